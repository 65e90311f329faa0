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

    /// @notice Burns gas: `rounds` keccak rounds (about 1M gas per 5,000 rounds).
    function burn(uint256 rounds) external pure returns (bytes32 h) {
        for (uint256 i = 0; i < rounds; i++) h = keccak256(abi.encode(h, i));
    }
}
