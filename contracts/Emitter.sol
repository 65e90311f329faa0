// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Emitter: a contract whose only job is to emit events, for the log and watch tests.
/// @notice Every `Ping` carries a fresh `id` (0, 1, 2, …), so a test can check that each event arrives
/// exactly once and in order; `pingMany` puts several logs in one transaction (one block, several log indexes).
contract Emitter {
    /// @notice The `id`-th ping, sent by `from`, with a free-form `note`.
    event Ping(uint256 indexed id, address indexed from, string note);
    /// @notice `count` pings starting at `firstId` were emitted by one `pingMany` call.
    event Batch(uint256 indexed firstId, uint256 count);

    /// @notice The id the next ping gets.
    uint256 public nextId;

    /// @notice Emits one `Ping`.
    function ping(string calldata note) external {
        emit Ping(nextId++, msg.sender, note);
    }

    /// @notice Emits `count` `Ping`s and then one `Batch`, all in this transaction.
    function pingMany(uint256 count, string calldata note) external {
        uint256 firstId = nextId;
        for (uint256 i = 0; i < count; i++) emit Ping(nextId++, msg.sender, note);
        emit Batch(firstId, count);
    }
}
