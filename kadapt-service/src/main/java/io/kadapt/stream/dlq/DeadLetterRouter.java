package io.kadapt.stream.dlq;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' deserialization and processing exception handler (KIP-1033) that sends the failed
 * record, with its original key, value and headers, to the dead-letter topic (KIP-1034) and lets
 * processing continue. The dead-letter records are produced by the task itself, so under exactly-once
 * they commit atomically with the input offsets: a rejected record is neither lost nor sent twice.
 */
public final class DeadLetterRouter implements DeserializationExceptionHandler, ProcessingExceptionHandler {
    /** Config entry holding the dead-letter topic name. */
    public static final String TOPIC_CONFIG = "kadapt.dead-letter.topic";
    /** Config entry holding a {@link DeadLetterListener} instance (Kafka Streams passes config objects through). */
    public static final String LISTENER_CONFIG = "kadapt.dead-letter.listener";

    public static final String HEADER_REASON = "kadapt.dlq.reason";
    public static final String HEADER_DETAIL = "kadapt.dlq.detail";
    public static final String HEADER_TOPIC = "kadapt.dlq.topic";
    public static final String HEADER_PARTITION = "kadapt.dlq.partition";
    public static final String HEADER_OFFSET = "kadapt.dlq.offset";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRouter.class);
    private static final int MAX_DETAIL_CHARS = 500;

    private String topic;
    private DeadLetterListener listener = DeadLetterListener.NONE;

    @Override
    public void configure(Map<String, ?> configs) {
        Object configuredTopic = configs.get(TOPIC_CONFIG);
        if (configuredTopic == null) {
            throw new IllegalStateException(TOPIC_CONFIG + " is not set");
        }
        topic = configuredTopic.toString();
        Object configuredListener = configs.get(LISTENER_CONFIG);
        if (configuredListener instanceof DeadLetterListener l) {
            listener = l;
        }
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        RejectReason reason = exception instanceof RejectedRecordException r ? r.reason() : RejectReason.MALFORMED_JSON;
        return DeserializationExceptionHandler.Response.resume(
                List.of(deadLetter(context, record.key(), record.value(), record.headers(), reason, exception)));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        RejectReason reason = exception instanceof RejectedRecordException r ? r.reason() : RejectReason.PROCESSING_ERROR;
        if (reason == RejectReason.PROCESSING_ERROR) {
            LOG.error("processing failed on {}-{} offset {} (task {}); record sent to {}", context.topic(),
                    context.partition(), context.offset(), context.taskId(), topic, exception);
        }
        return ProcessingExceptionHandler.Response.resume(List.of(deadLetter(context, context.sourceRawKey(),
                context.sourceRawValue(), context.headers(), reason, exception)));
    }

    private ProducerRecord<byte[], byte[]> deadLetter(ErrorHandlerContext context, byte[] key, byte[] value,
                                                      Headers original, RejectReason reason, Exception exception) {
        Headers headers = new RecordHeaders(original == null ? new RecordHeaders().toArray() : original.toArray());
        headers.add(HEADER_REASON, utf8(reason.tag()));
        headers.add(HEADER_DETAIL, utf8(detail(exception)));
        headers.add(HEADER_TOPIC, utf8(context.topic()));
        headers.add(HEADER_PARTITION, utf8(Integer.toString(context.partition())));
        headers.add(HEADER_OFFSET, utf8(Long.toString(context.offset())));
        listener.onDeadLetter(reason);
        LOG.debug("{}-{} offset {}: {} -> {}", context.topic(), context.partition(), context.offset(), reason.tag(), topic);
        return new ProducerRecord<>(topic, null, key, value, headers);
    }

    private static String detail(Exception exception) {
        String message = String.valueOf(exception.getMessage());
        return message.length() > MAX_DETAIL_CHARS ? message.substring(0, MAX_DETAIL_CHARS) + "…" : message;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
