package io.kadapt.training;

/** How features are scaled before the model sees them. */
public enum Standardization {
    /** Each domain z-scored with its own running statistics: removes per-domain offset and scale shift. */
    PER_DOMAIN,
    /** Raw features. */
    NONE
}
