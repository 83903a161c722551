package io.durastash.integration.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Grafana dashboard (JSON) as Grafana runs it on a Prometheus data source: its query variables, each a
 * {@code label_values(selector, label)} whose selector may use the variables before it (chained), and every query of
 * its panels, with the variables substituted as Grafana substitutes them.
 */
final class GrafanaDashboard {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)|\\[\\[(\\w+)]]");
    /** What Grafana escapes in a value it puts into a regex matcher of a multi-value or include-all variable. */
    private static final String REGEX_SPECIALS = "$^*{}[]'+?.()|";

    /** A query variable: Grafana lists {@code label}'s values on the series {@code selector} selects. */
    record Variable(String name, String selector, String label, String allValue) {
    }

    /** One query of one panel. */
    record Query(String panel, String refId, String expr) {
    }

    private final List<Variable> variables = new ArrayList<>();
    private final List<Query> queries = new ArrayList<>();

    private GrafanaDashboard(JsonNode dashboard) {
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (!"query".equals(variable.path("type").asText())) {
                continue;
            }
            String query = variable.path("query").isObject() ? variable.path("query").path("query").asText()
                : variable.path("query").asText();
            Matcher labelValues = LABEL_VALUES.matcher(query.trim());
            if (!labelValues.matches()) {
                throw new AssertionError("Variable $" + variable.path("name").asText() + " has a query this check "
                    + "cannot evaluate: " + query);
            }
            variables.add(new Variable(variable.path("name").asText(), labelValues.group(1).trim(),
                labelValues.group(2), variable.path("allValue").isTextual() ? variable.path("allValue").asText() : null));
        }
        addQueries(dashboard.path("panels"));
    }

    static GrafanaDashboard read(Path file) {
        try {
            return new GrafanaDashboard(JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the dashboard " + file, e);
        }
    }

    List<Variable> variables() {
        return List.copyOf(variables);
    }

    List<Query> queries() {
        return List.copyOf(queries);
    }

    /** The query variable that lists {@code label}'s values. */
    Variable variableOf(String label) {
        return variables.stream().filter(v -> v.label().equals(label)).findFirst()
            .orElseThrow(() -> new AssertionError("No variable of the dashboard lists the label " + label + ": "
                + variables));
    }

    /**
     * {@code expr} with each variable replaced as Grafana replaces a multi-value variable in a Prometheus query: its
     * {@code allValue} when {@code selected} is null ("All"), else the selected values regex-escaped, several as
     * {@code (a|b)}. Fails on a variable it does not know.
     */
    String substitute(String expr, Map<String, List<String>> selected) {
        Matcher reference = REFERENCE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (reference.find()) {
            String name = reference.group(1) != null ? reference.group(1)
                : reference.group(2) != null ? reference.group(2) : reference.group(3);
            Variable variable = variables.stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("The query " + expr + " uses $" + name + ", which is not a query "
                    + "variable of the dashboard"));
            reference.appendReplacement(out, Matcher.quoteReplacement(value(variable, selected.get(name))));
        }
        reference.appendTail(out);
        return out.toString();
    }

    private static String value(Variable variable, List<String> selected) {
        if (selected == null) {
            if (variable.allValue() == null) {
                throw new AssertionError("$" + variable.name() + " has no allValue: pass its values");
            }
            return variable.allValue();
        }
        List<String> escaped = selected.stream().map(GrafanaDashboard::regexEscape).toList();
        return escaped.size() == 1 ? escaped.get(0) : "(" + String.join("|", escaped) + ")";
    }

    /** As Grafana's Prometheus data source escapes: for the regex, then for the PromQL string around it. */
    private static String regexEscape(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c == '\\') {
                out.append("\\\\\\\\");
            } else if (REGEX_SPECIALS.indexOf(c) >= 0) {
                out.append("\\\\").append(c);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private void addQueries(JsonNode panels) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query(panel.path("title").asText(), target.path("refId").asText(),
                    target.path("expr").asText()));
            }
            addQueries(panel.path("panels"));
        }
    }
}
