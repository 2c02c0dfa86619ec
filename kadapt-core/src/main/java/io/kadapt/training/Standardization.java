package io.kadapt.training;

/** How features are scaled before the model sees them. */
public enum Standardization {
    /** Each domain z-scored with its own running statistics: removes per-domain offset and scale shift. */
    PER_DOMAIN,
    /**
     * Both domains z-scored with the pooled running statistics of all samples seen (source and target): fixes the
     * features' scale without removing the shift between the domains, so the model sees the two domains as they
     * differ. What a service can know online, like per-domain.
     */
    SHARED,
    /**
     * Each domain shifted and scaled with one mean and one standard deviation of all its values (not per feature): fixes
     * each domain's overall offset and scale and keeps the relative scales of its features (see
     * {@link RunningStandardizer#global()}).
     */
    PER_DOMAIN_GLOBAL,
    /** Raw features. */
    NONE
}
