package io.kadapt.stream.dlq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The processing-exception path of the router, which no real input reaches (every rejection the processor makes is a
 * {@link RejectedRecordException}): an unexpected exception becomes a {@code processing_error} dead letter with the
 * record's raw source bytes and original headers, processing resumes, and the listener counts it.
 */
@Tag("unit")
class DeadLetterRouterTest {

    @Test
    @DisplayName("an unexpected processing exception is dead-lettered as processing_error with the raw record and its headers")
    void unexpectedExceptionIsAProcessingError() {
        List<RejectReason> counted = new ArrayList<>();
        DeadLetterRouter router = new DeadLetterRouter();
        router.configure(Map.of(DeadLetterRouter.TOPIC_CONFIG, "kadapt.dlq",
                DeadLetterRouter.LISTENER_CONFIG, (DeadLetterListener) counted::add));
        Headers original = new RecordHeaders().add("trace-id", utf8("abc-123"));
        Context context = new Context("kadapt.target", 2, 41L, original, utf8("k"), utf8("{\"id\":\"t-9\"}"));

        ProcessingExceptionHandler.Response response = router.handleError(context,
                new Record<>("k", "parsed", 0L), new IllegalStateException("boom"));

        assertEquals(ProcessingExceptionHandler.Result.RESUME, response.result());
        assertEquals(1, response.deadLetterQueueRecords().size());
        ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
        assertEquals("kadapt.dlq", dead.topic());
        assertArrayEquals(utf8("k"), dead.key(), "the raw source key");
        assertArrayEquals(utf8("{\"id\":\"t-9\"}"), dead.value(), "the raw source value, not the parsed one");
        assertEquals("processing_error", header(dead, DeadLetterRouter.HEADER_REASON));
        assertEquals("boom", header(dead, DeadLetterRouter.HEADER_DETAIL));
        assertEquals("kadapt.target", header(dead, DeadLetterRouter.HEADER_TOPIC));
        assertEquals("2", header(dead, DeadLetterRouter.HEADER_PARTITION));
        assertEquals("41", header(dead, DeadLetterRouter.HEADER_OFFSET));
        assertEquals("abc-123", header(dead, "trace-id"), "the original headers are kept");
        assertEquals(1, original.toArray().length, "the input record's own headers are not modified");
        assertEquals(List.of(RejectReason.PROCESSING_ERROR), counted);

        // A rejection raised by the processor keeps its own reason.
        ProcessingExceptionHandler.Response rejected = router.handleError(context, new Record<>("k", "parsed", 0L),
                new RejectedRecordException(RejectReason.INVALID_LABEL, "label 1.5"));
        assertEquals("invalid_label", header(rejected.deadLetterQueueRecords().get(0), DeadLetterRouter.HEADER_REASON));
        assertTrue(counted.contains(RejectReason.INVALID_LABEL));
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private record Context(String topic, int partition, long offset, Headers headers, byte[] sourceRawKey,
                           byte[] sourceRawValue) implements ErrorHandlerContext {
        @Override
        public String processorNodeId() {
            return "kadapt-processor";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, partition);
        }

        @Override
        public long timestamp() {
            return 0L;
        }
    }
}
