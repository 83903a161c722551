package io.durastash.integration.operations;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A CustomResourceDefinition's schema made strict for a test: Kubernetes prunes the fields a structural schema does not
 * name, in silence, so a misspelled or removed field would pass a plain validation; here it fails.
 */
final class StrictCrdSchema {
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private StrictCrdSchema() {
    }

    /**
     * The CRD's v1 {@code openAPIV3Schema}, with {@code additionalProperties: false} on every object schema that names
     * its properties and does not keep unknown fields, as Kubernetes would prune the others.
     */
    static ObjectNode v1(String crd) {
        JsonNode definition;
        try (InputStream in = StrictCrdSchema.class.getResourceAsStream(crd)) {
            if (in == null) {
                throw new AssertionError(crd + " is not on the test classpath");
            }
            definition = YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (JsonNode version : definition.path("spec").path("versions")) {
            if (version.path("name").asString("").equals("v1")) {
                return strict(version.path("schema").path("openAPIV3Schema"));
            }
        }
        throw new AssertionError(crd + " has no version v1");
    }

    private static ObjectNode strict(JsonNode schema) {
        ObjectNode strict = ((ObjectNode) schema).deepCopy();
        if (strict.path("x-kubernetes-int-or-string").asBoolean(false) && !strict.has("anyOf")) {
            strict.remove("type");
            strict.putArray("anyOf").add(type("integer")).add(type("string"));
        }
        if (strict.path("nullable").asBoolean(false) && strict.path("type").isString()) {
            String type = strict.path("type").asString();
            strict.putArray("type").add(type).add("null");
        }
        strict.remove(List.of("nullable", "example")); // OpenAPI keywords JSON Schema does not know
        boolean open = strict.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        strict.remove(strict.propertyNames().stream().filter(name -> name.startsWith("x-kubernetes-")).toList());
        if (strict.path("properties").isObject()) {
            ObjectNode properties = (ObjectNode) strict.get("properties");
            for (String name : List.copyOf(properties.propertyNames())) {
                properties.set(name, strict(properties.get(name)));
            }
            if (strict.path("type").asString("").equals("object") && !open && !strict.has("additionalProperties")) {
                strict.put("additionalProperties", false);
            }
        }
        for (String child : List.of("items", "additionalProperties", "not")) {
            if (strict.path(child).isObject()) {
                strict.set(child, strict(strict.get(child)));
            }
        }
        for (String combination : List.of("allOf", "anyOf", "oneOf")) {
            if (strict.path(combination).isArray()) {
                ArrayNode strictBranches = JsonNodeFactory.instance.arrayNode();
                strict.get(combination).forEach(branch -> strictBranches.add(strict(branch)));
                strict.set(combination, strictBranches);
            }
        }
        return strict;
    }

    private static ObjectNode type(String name) {
        return JsonNodeFactory.instance.objectNode().put("type", name);
    }

}
