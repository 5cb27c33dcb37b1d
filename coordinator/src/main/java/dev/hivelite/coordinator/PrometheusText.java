package dev.hivelite.coordinator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges Prometheus text-format (0.0.4) expositions into one: every worker's samples get a
 * {@code worker="<id>"} label, and each metric family appears once, with one HELP and one TYPE line
 * and all of its samples together, as the format requires (and {@code promtool check metrics} checks).
 */
final class PrometheusText {

    /** One metric family: its HELP and TYPE lines and its sample lines, in arrival order. */
    private static final class Family {
        String help;
        String type;
        final List<String> samples = new ArrayList<>();
    }

    /** Families in first-seen order. */
    private final Map<String, Family> families = new LinkedHashMap<>();

    /** Adds an exposition whose samples already carry the labels they need (the coordinator's own). */
    PrometheusText add(String exposition) {
        return add(exposition, null);
    }

    /** Adds a worker's exposition, labelling each sample with {@code worker="<workerId>"}. */
    PrometheusText addWorker(String exposition, int workerId) {
        return add(exposition, "worker=\"" + workerId + "\"");
    }

    private PrometheusText add(String exposition, String label) {
        String current = null;
        for (String line : exposition.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && ("HELP".equals(parts[1]) || "TYPE".equals(parts[1]))) {
                    current = parts[2];
                    Family family = families.computeIfAbsent(current, k -> new Family());
                    if ("HELP".equals(parts[1]) && family.help == null) {
                        family.help = line;
                    } else if ("TYPE".equals(parts[1]) && family.type == null) {
                        family.type = line;
                    }
                }
                continue;
            }
            String name = sampleName(line);
            String family = current != null && name.startsWith(current) ? current : name;
            families.computeIfAbsent(family, k -> new Family()).samples.add(label == null ? line : relabel(line, name, label));
        }
        return this;
    }

    private static String sampleName(String line) {
        int end = 0;
        while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
            end++;
        }
        return line.substring(0, end);
    }

    private static String relabel(String line, String name, String label) {
        if (line.length() > name.length() && line.charAt(name.length()) == '{') {
            String rest = line.substring(name.length() + 1);
            return name + "{" + label + (rest.startsWith("}") ? "" : ",") + rest;
        }
        return name + "{" + label + "}" + line.substring(name.length());
    }

    String text() {
        StringBuilder out = new StringBuilder(64 * 1024);
        for (Family family : families.values()) {
            if (family.samples.isEmpty()) {
                continue;
            }
            if (family.help != null) {
                out.append(family.help).append('\n');
            }
            if (family.type != null) {
                out.append(family.type).append('\n');
            }
            family.samples.forEach(s -> out.append(s).append('\n'));
        }
        return out.toString();
    }
}
