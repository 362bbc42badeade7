package io.relog.log;

import java.util.List;

/**
 * What opening the log found and did.
 *
 * @param warnings        one line per repair (torn tail truncated, index rebuilt, corruption
 *                        truncated under the truncate policy), to be logged at WARNING
 * @param batchesChecked  batches whose CRC was verified
 * @param bytesChecked    bytes covered by those batches
 * @param entriesRebuilt  index entries rebuilt from the {@code .log}
 * @param bytesTruncated  bytes cut from the log
 * @param endDb           database the stream has selected at the log end, or -1
 */
public record RecoveryReport(List<String> warnings, long batchesChecked, long bytesChecked, long entriesRebuilt,
        long bytesTruncated, int endDb) {
}
