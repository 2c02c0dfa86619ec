package io.kadapt.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class MetricsScrapeTest {
    private static final MetricsScrape SCRAPE = new MetricsScrape("""
            # HELP kadapt_stream_thread_replacements_total Stream threads replaced
            # TYPE kadapt_stream_thread_replacements_total counter
            kadapt_stream_thread_replacements_total 0.0
            kadapt_dlq_records_total{reason="malformed_json"} 2.0
            kadapt_dlq_records_total{reason="missing_id"} 3.0
            kadapt_dlq_records_total_extra 100.0
            """);

    @Test
    @DisplayName("require: a present series of value 0 reads 0; a missing (renamed, unregistered) one fails")
    void missingIsNotZero() {
        assertEquals(0.0, SCRAPE.require(ChaosHarness.THREAD_REPLACEMENTS));
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> SCRAPE.require("kadapt_stream_thread_replaced_total"));
        assertTrue(missing.getMessage().contains("kadapt_stream_thread_replaced_total"), missing.getMessage());
        assertThrows(IllegalStateException.class, () -> SCRAPE.require("kadapt_dlq_records_total", "reason=\"x\""));
    }

    @Test
    @DisplayName("sums every series of exactly that name that matches the label filter")
    void sums() {
        assertEquals(5.0, SCRAPE.require("kadapt_dlq_records_total"));
        assertEquals(3.0, SCRAPE.require("kadapt_dlq_records_total", "reason=\"missing_id\""));
        assertEquals(0.0, SCRAPE.sum(ChaosHarness.RESTORED_RECORDS), "lazily registered: missing reads 0");
    }
}
