// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Reader: views for the read-batching tests — results, every kind of revert, msg.sender, msg.value
///        and gas use that depend on the call, so an aggregated read can be told from a plain one.
contract Reader {
    error TooBig(uint256 x, uint256 max);

    uint256 public constant MAX = 1_900;

    /// @notice 2x, or a revert chosen by x: 0 panics (division by zero), 13 is an Error(string), above MAX
    ///         a custom error, 7 a revert without data.
    function check(uint256 x) external pure returns (uint256) {
        if (x > MAX) revert TooBig(x, MAX);
        require(x != 13, "unlucky");
        if (x == 7) revert();
        return (200 * x) / x * x / 100;
    }

    function sender() external view returns (address) {
        return msg.sender;
    }

    function paid() external payable returns (uint256) {
        return msg.value;
    }

    /// @notice Burns gas in few EVM steps: reads the code size of `accounts` addresses never touched before
    ///         (2,600 gas each, about 1M gas per 400; a different `salt` touches different ones), and returns
    ///         how many had no code. Few steps matter: Hardhat's node keeps a trace of every step of a call
    ///         (a keccak loop burning the same gas took it to 11 GB).
    function burn(uint256 accounts, uint256 salt) external view returns (uint256 empty) {
        uint256 base = uint256(keccak256(abi.encode(salt))) >> 96;
        for (uint256 i = 0; i < accounts; i++) {
            if (address(uint160(base + i)).code.length == 0) empty++;
        }
    }
}
