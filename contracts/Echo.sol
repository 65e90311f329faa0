// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Echo: returns its arguments unchanged, for differential tests of ABI encoding and decoding
/// (`chaincall encode`/`decode`/`call` against `cast calldata`/`decode-calldata`/`call`).
/// @notice Covers integers of several sizes, address, bool, bytes, bytesN, string, fixed and dynamic
/// arrays, nested arrays, nested structs and arrays of structs; `echo` is overloaded on purpose.
contract Echo {
    /// @notice A struct with a dynamic array inside.
    struct Item {
        uint64 id;
        string label;
        bytes32[] tags;
    }

    /// @notice A struct holding a struct, an array of structs and a fixed array.
    struct Order {
        address owner;
        Item item;
        Item[] items;
        bool[2] flags;
    }

    /// @notice Emitted by `shout`, for the ABI listing (an event with indexed and plain fields).
    event Echoed(address indexed by, bytes4 indexed selector, bytes data);

    /// @notice Raised by `refuse`, for the ABI listing (a custom error with arguments).
    error NotEchoed(uint256 code, string why);

    function echoUints(uint8 a, uint16 b, uint32 c, uint64 d, uint128 e, uint256 f)
        external
        pure
        returns (uint8, uint16, uint32, uint64, uint128, uint256)
    {
        return (a, b, c, d, e, f);
    }

    function echoInts(int8 a, int16 b, int32 c, int64 d, int128 e, int256 f)
        external
        pure
        returns (int8, int16, int32, int64, int128, int256)
    {
        return (a, b, c, d, e, f);
    }

    function echoScalars(address who, bool flag, bytes memory blob, bytes32 word, string memory text, bytes4 tag)
        external
        pure
        returns (address, bool, bytes memory, bytes32, string memory, bytes4)
    {
        return (who, flag, blob, word, text, tag);
    }

    function echoString(string memory text) external pure returns (string memory) {
        return text;
    }

    function echoArrays(uint256[3] memory fixedNums, int64[] memory nums, string[] memory words, address[2] memory pair, bytes[] memory blobs)
        external
        pure
        returns (uint256[3] memory, int64[] memory, string[] memory, address[2] memory, bytes[] memory)
    {
        return (fixedNums, nums, words, pair, blobs);
    }

    function echoNested(uint256[][] memory grid, bool[2][] memory pairs, bytes32[2][2] memory square)
        external
        pure
        returns (uint256[][] memory, bool[2][] memory, bytes32[2][2] memory)
    {
        return (grid, pairs, square);
    }

    function echoItems(Item[] memory items) external pure returns (Item[] memory) {
        return items;
    }

    function echoOrder(Order memory order) external pure returns (Order memory) {
        return order;
    }

    function echoMixed(int256 n, Order[] memory orders, string memory note)
        external
        pure
        returns (int256, Order[] memory, string memory)
    {
        return (n, orders, note);
    }

    function echo(uint256 x) external pure returns (uint256) {
        return x;
    }

    function echo(string memory x) external pure returns (string memory) {
        return x;
    }

    /// @notice Always reverts with `NotEchoed(code, "refused")`.
    function refuse(uint256 code) external pure {
        revert NotEchoed(code, "refused");
    }

    /// @notice Emits `Echoed` with the caller, this function's selector and `data`.
    function shout(bytes calldata data) external {
        emit Echoed(msg.sender, msg.sig, data);
    }
}
