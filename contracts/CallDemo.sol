// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title CallDemo: the seed contract of the go-ethereum "call a contract" tutorial, ported.
/// @notice `year` starts at 2020; `getYear()` reads it, `setYear` changes it and says so in an event.
contract CallDemo {
    uint256 public year = 2020;

    event YearChanged(uint256 indexed previous, uint256 indexed current, address indexed by);

    function getYear() external view returns (uint256) {
        return year;
    }

    function setYear(uint256 newYear) external {
        emit YearChanged(year, newYear, msg.sender);
        year = newYear;
    }
}
