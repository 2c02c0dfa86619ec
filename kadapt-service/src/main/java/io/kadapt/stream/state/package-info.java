/** Typed views over the processor's key-value stores: model checkpoint, sample buffer, replay, prediction ledger. */
package io.kadapt.stream.state;
