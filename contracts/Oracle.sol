// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Oracle: a price feed for the revert tests, whose error is declared only here.
/// @notice Vault calls it; its `StalePrice` bubbles up through Vault, so decoding it needs this ABI.
contract Oracle {
    /// @notice The price was last updated at `updatedAt`, older than the `maxAge` seconds the caller accepts.
    error StalePrice(uint256 updatedAt, uint256 maxAge);

    uint256 public price;
    uint256 public updatedAt;

    /// @param initialPrice the first price; @param initialUpdatedAt its timestamp (tests pass an old one).
    constructor(uint256 initialPrice, uint256 initialUpdatedAt) {
        price = initialPrice;
        updatedAt = initialUpdatedAt;
    }

    /// @notice Sets the price and the time it was observed.
    function setPrice(uint256 newPrice, uint256 observedAt) external {
        price = newPrice;
        updatedAt = observedAt;
    }

    /// @notice The price, if it is at most `maxAge` seconds old; reverts `StalePrice` otherwise.
    function latestPrice(uint256 maxAge) external view returns (uint256) {
        if (updatedAt + maxAge < block.timestamp) revert StalePrice(updatedAt, maxAge);
        return price;
    }
}
