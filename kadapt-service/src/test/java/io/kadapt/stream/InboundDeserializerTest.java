package io.kadapt.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kadapt.data.Domain;
import io.kadapt.stream.dlq.RejectReason;
import io.kadapt.stream.serde.InboundDeserializer.Role;
import io.kadapt.stream.serde.InboundDeserializer;
import io.kadapt.stream.serde.InboundRecord;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("unit")
class InboundDeserializerTest {
    private final InboundDeserializer source = new InboundDeserializer(Role.SOURCE, 3, 4, 1e9);
    private final InboundDeserializer target = new InboundDeserializer(Role.TARGET, 3, 4, 1e9);
    private final InboundDeserializer feedback = new InboundDeserializer(Role.FEEDBACK, 3, 4, 1e9);

    @Test
    void readsValidRecords() {
        var sample = (InboundRecord.DomainSample) source.deserialize("t",
                bytes("{\"id\":\"s-1\",\"features\":[0.5,-1,2e3],\"label\":3,\"extra\":true}"));
        assertEquals(Domain.SOURCE, sample.domain());
        assertEquals("s-1", sample.sample().id());
        assertEquals(3, sample.sample().label());
        assertArrayEquals(new float[] {0.5f, -1f, 2000f}, sample.sample().features());

        var unlabelled = (InboundRecord.DomainSample) target.deserialize("t", bytes("{\"id\":\"t-1\",\"features\":[1,2,3]}"));
        assertEquals(Domain.TARGET, unlabelled.domain());
        assertEquals(new InboundRecord.FeedbackLabel("t-1", 2), feedback.deserialize("t", bytes("{\"id\":\"t-1\",\"label\":2}")));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', value = {
        "SOURCE|malformed_json|{\"id\":\"a\",\"features\":[1,2,",
        "SOURCE|malformed_json|\u0000\u00ff garbage",
        "SOURCE|malformed_json|{\"id\":\"a\",\"features\":\"1,2,3\",\"label\":1}",
        "SOURCE|malformed_json|{\"id\":\"a\",\"features\":[1,2,3],\"label\":1} trailing",
        "SOURCE|missing_id|{\"features\":[1,2,3],\"label\":1}",
        "SOURCE|missing_id|{\"id\":\"  \",\"features\":[1,2,3],\"label\":1}",
        "SOURCE|missing_features|{\"id\":\"a\",\"label\":1}",
        "SOURCE|wrong_feature_count|{\"id\":\"a\",\"features\":[1,2],\"label\":1}",
        "SOURCE|wrong_feature_count|{\"id\":\"a\",\"features\":[1,2,3,4],\"label\":1}",
        "SOURCE|non_finite_feature|{\"id\":\"a\",\"features\":[1,NaN,3],\"label\":1}",
        "SOURCE|non_finite_feature|{\"id\":\"a\",\"features\":[1,Infinity,3],\"label\":1}",
        "SOURCE|non_finite_feature|{\"id\":\"a\",\"features\":[1,1e300,3],\"label\":1}",
        "SOURCE|feature_out_of_range|{\"id\":\"a\",\"features\":[1,-2e9,3],\"label\":1}",
        "SOURCE|missing_label|{\"id\":\"a\",\"features\":[1,2,3]}",
        "SOURCE|invalid_label|{\"id\":\"a\",\"features\":[1,2,3],\"label\":1.5}",
        "SOURCE|invalid_label|{\"id\":\"a\",\"features\":[1,2,3],\"label\":\"cat\"}",
        "SOURCE|label_out_of_range|{\"id\":\"a\",\"features\":[1,2,3],\"label\":4}",
        "SOURCE|label_out_of_range|{\"id\":\"a\",\"features\":[1,2,3],\"label\":-1}",
        "TARGET|unexpected_label|{\"id\":\"a\",\"features\":[1,2,3],\"label\":1}",
        "FEEDBACK|missing_label|{\"id\":\"a\"}",
        "FEEDBACK|label_out_of_range|{\"id\":\"a\",\"label\":9}",
    })
    void rejectsBadInputWithItsReason(Role role, String reason, String json) {
        InboundDeserializer deserializer = new InboundDeserializer(role, 3, 4, 1e9);
        var rejected = (InboundRecord.Rejected) deserializer.deserialize("t", bytes(json));
        assertEquals(reason, rejected.reason().tag(), rejected.detail());
    }

    @Test
    void rejectsTombstones() {
        assertEquals(RejectReason.MALFORMED_JSON, ((InboundRecord.Rejected) target.deserialize("t", null)).reason());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
