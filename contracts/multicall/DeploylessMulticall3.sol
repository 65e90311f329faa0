// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title DeploylessMulticall3: Multicall3's aggregate3 for chains that do not have Multicall3.
/// @notice Never deployed. chaincall sends its creation code with the encoded calls appended as the `data` of
///         an `eth_call` without `to`: the constructor runs the calls and returns the ABI-encoded
///         `(bool success, bytes returnData)[]` as the call's result, in place of runtime code.
contract DeploylessMulticall3 {
    struct Call {
        address target;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    constructor(Call[] memory calls) {
        Result[] memory results = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool success, bytes memory returnData) = calls[i].target.call(calls[i].callData);
            results[i] = Result(success, returnData);
        }
        bytes memory encoded = abi.encode(results);
        assembly {
            return(add(encoded, 32), mload(encoded))
        }
    }
}
