package io.kadapt.chaos;

/**
 * One sample of a soak run.
 *
 * @param seconds           since the producer started
 * @param lag               input records produced but not yet committed by kadapt's group, over the input topics
 * @param rssMb             resident set of the kadapt process (/proc/PID/status VmRSS)
 * @param liveHeapMb        old-generation heap after the last collection ({@code jvm_gc_live_data_size_bytes})
 * @param deadLetters       {@code kadapt_dlq_records_total}, all reasons
 * @param threadReplacements {@code kadapt_stream_thread_replacements_total}
 * @param skippedSteps      {@code kadapt_training_steps_skipped_total}
 * @param errorLines        ERROR lines in kadapt's log so far
 * @param ready             whether {@code /health/ready} answered 200 (Kafka Streams RUNNING)
 */
public record SoakSample(double seconds, long lag, double rssMb, double liveHeapMb, long predictions, long modelStep,
                         long deadLetters, long threadReplacements, long skippedSteps, long errorLines,
                         boolean ready) {
}
