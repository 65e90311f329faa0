// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Oracle} from "./Oracle.sol";

/// @title Vault: a test contract that reverts in every way chaincall must decode.
/// @notice Custom errors (plain, struct and array arguments), require strings, panics, a bare revert,
/// an error bubbled up from Oracle, overloads and struct arguments. The failing functions write state,
/// so each can be both called (eth_call) and sent (where gas estimation reverts).
contract Vault {
    /// @notice A position, used as a struct argument, return value and error argument.
    struct Position {
        uint256 id;
        address owner;
        uint128 amount;
        bool open;
    }

    /// @notice `account` holds `available` wei but asked for `required`.
    error InsufficientBalance(address account, uint256 available, uint256 required);
    /// @notice Only the owner may do this; `caller` is not the owner.
    error Unauthorized(address caller);
    /// @notice The position at `index` of a batch is closed.
    error PositionClosed(uint256 index, Position position);
    /// @notice A batch of `ids` is longer than `max`.
    error BatchTooLarge(uint256[] ids, uint256 max);

    /// @notice `who` deposited `amount` wei.
    event Deposited(address indexed who, uint256 amount);
    /// @notice `who` withdrew `amount` wei.
    event Withdrawn(address indexed who, uint256 amount);

    uint256 public constant MAX_BATCH = 3;

    address public immutable owner;
    Oracle public immutable oracle;
    mapping(address => uint256) public balanceOf;
    /// @notice The last result the failing functions stored (the write makes them transactions).
    uint256 public last;

    constructor(address initialOwner, Oracle priceOracle) {
        owner = initialOwner;
        oracle = priceOracle;
    }

    /// @notice Credits the sender with the value sent.
    function deposit() external payable {
        balanceOf[msg.sender] += msg.value;
        emit Deposited(msg.sender, msg.value);
    }

    /// @notice Pays `amount` back; reverts `InsufficientBalance` when the sender has less.
    function withdraw(uint256 amount) external {
        uint256 available = balanceOf[msg.sender];
        if (amount > available) revert InsufficientBalance(msg.sender, available, amount);
        balanceOf[msg.sender] = available - amount;
        emit Withdrawn(msg.sender, amount);
        (bool ok, ) = msg.sender.call{value: amount}("");
        require(ok, "Vault: transfer failed");
    }

    /// @notice Owner only; reverts `Unauthorized(msg.sender)` for anyone else.
    function setLast(uint256 value) external {
        if (msg.sender != owner) revert Unauthorized(msg.sender);
        last = value;
    }

    /// @notice Stores a non-zero value; zero reverts with the reason string "Vault: zero value".
    function store(uint256 value) external {
        require(value != 0, "Vault: zero value");
        last = value;
    }

    /// @notice `a / b`: panics 0x12 when `b` is zero.
    function divide(uint256 a, uint256 b) external returns (uint256) {
        last = a / b;
        return last;
    }

    /// @notice `a + b`: panics 0x11 on overflow.
    function add(uint256 a, uint256 b) external returns (uint256) {
        last = a + b;
        return last;
    }

    /// @notice `values[index]`: panics 0x32 when `index` is out of bounds.
    function pick(uint256[] calldata values, uint256 index) external returns (uint256) {
        last = values[index];
        return last;
    }

    /// @notice Checks an invariant that never holds: panics 0x01 (assert(false)).
    function breakInvariant() external {
        last = 0;
        assert(false);
    }

    /// @notice Reverts with no data at all (a bare `revert()`).
    function halt() external {
        last = 0;
        revert();
    }

    /// @notice `amount` priced by the oracle; Oracle's `StalePrice` bubbles up when its price is older than `maxAge`.
    function quote(uint256 amount, uint256 maxAge) external returns (uint256) {
        last = amount * oracle.latestPrice(maxAge);
        return last;
    }

    /// @notice Accepts a batch of at most MAX_BATCH ids; longer ones revert `BatchTooLarge(ids, MAX_BATCH)`.
    function closeBatch(uint256[] calldata ids) external returns (uint256) {
        if (ids.length > MAX_BATCH) revert BatchTooLarge(ids, MAX_BATCH);
        last = ids.length;
        return last;
    }

    /// @notice Sum of the amounts of open positions; a closed one reverts `PositionClosed(index, position)`.
    function totalOpen(Position[] calldata positions) external pure returns (uint256 total) {
        for (uint256 i = 0; i < positions.length; i++) {
            if (!positions[i].open) revert PositionClosed(i, positions[i]);
            total += positions[i].amount;
        }
    }

    /// @notice Returns its struct argument unchanged.
    function echoPosition(Position calldata position) external pure returns (Position memory) {
        return position;
    }

    /// @notice Overload 1 of 3: returns `x`.
    function echo(uint256 x) external pure returns (uint256) {
        return x;
    }

    /// @notice Overload 2 of 3: returns `x + y`.
    function echo(uint256 x, uint256 y) external pure returns (uint256) {
        return x + y;
    }

    /// @notice Overload 3 of 3: returns `s`.
    function echo(string calldata s) external pure returns (string memory) {
        return s;
    }
}
