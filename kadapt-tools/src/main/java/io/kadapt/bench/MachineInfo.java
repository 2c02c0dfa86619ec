package io.kadapt.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the results table records about the machine: cores, load, Java. */
public final class MachineInfo {
    private MachineInfo() {
    }

    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The 1-minute load average (NaN where the OS does not say). */
    public static double loadAverage1() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** "1-, 5-, 15-minute" load averages from /proc/loadavg, or the 1-minute one elsewhere. */
    public static String loadAverages() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (IOException | RuntimeException e) {
            return String.format("%.2f", loadAverage1());
        }
    }

    public static String java() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }
}
