// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Multicall3: chaincall's implementation of the Multicall3 read interface.
/// @notice Written for chaincall: the subset of the canonical Multicall3 interface
///         (https://github.com/mds1/multicall, deployed at 0xcA11bde05977b3631167028862bE2a173976CA11 on most
///         chains) that chaincall's read batching uses, with the same function signatures and selectors, so
///         the SDK speaks to the canonical deployment on public chains and to this one on local dev chains
///         (installed at the canonical address with `hardhat_setCode` / `anvil_setCode`).
contract Multicall3 {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice Runs each call in order; a failing call with `allowFailure` reports its revert data instead
    ///         of reverting the whole batch.
    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory results) {
        results = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool success, bytes memory returnData) = calls[i].target.call(calls[i].callData);
            if (!success && !calls[i].allowFailure) {
                // Bubble the failing call's own revert data up, as the canonical contract does.
                assembly {
                    revert(add(returnData, 32), mload(returnData))
                }
            }
            results[i] = Result(success, returnData);
        }
    }

    function getBlockNumber() external view returns (uint256) {
        return block.number;
    }

    function getChainId() external view returns (uint256) {
        return block.chainid;
    }

    function getEthBalance(address account) external view returns (uint256) {
        return account.balance;
    }
}
