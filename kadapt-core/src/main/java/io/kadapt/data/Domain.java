package io.kadapt.data;

/** Which stream a sample came from. */
public enum Domain {
    SOURCE, TARGET;

    /** Lower-case tag used in metric labels and JSON. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
