package io.durastash.integration;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Schema'd test data: a nested Struct with arrays, maps, optional fields and every logical type. */
final class SchemaFixtures {
    static final Schema ADDRESS = SchemaBuilder.struct().name("io.durastash.test.Address")
        .field("street", Schema.STRING_SCHEMA)
        .field("zip", Schema.OPTIONAL_INT32_SCHEMA)
        .build();

    static final Schema ORDER = SchemaBuilder.struct().name("io.durastash.test.Order").version(2)
        .field("id", Schema.INT32_SCHEMA)
        .field("customer", Schema.OPTIONAL_STRING_SCHEMA)
        .field("amount", Decimal.builder(2).build())
        .field("day", Date.SCHEMA)
        .field("time", Time.SCHEMA)
        .field("at", Timestamp.SCHEMA)
        .field("paid", Schema.BOOLEAN_SCHEMA)
        .field("ratio", Schema.FLOAT64_SCHEMA)
        .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
        .field("attributes", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT64_SCHEMA).build())
        .field("ship_to", ADDRESS)
        .field("bill_to", SchemaBuilder.struct().name("io.durastash.test.OptionalAddress").optional()
            .field("street", Schema.STRING_SCHEMA).build())
        .build();

    private SchemaFixtures() {
    }

    static Struct order(int i) {
        return new Struct(ORDER)
            .put("id", i)
            .put("customer", i % 3 == 0 ? null : "customer-" + i)
            .put("amount", new BigDecimal(i).add(new BigDecimal("0.25")))
            .put("day", new java.util.Date(86_400_000L * (18_000 + i)))
            .put("time", new java.util.Date(1_000L * i))
            .put("at", new java.util.Date(1_700_000_000_000L + i))
            .put("paid", i % 2 == 0)
            .put("ratio", i / 7.0)
            .put("tags", List.of("t" + i, "x"))
            .put("attributes", Map.of("n", (long) i))
            .put("ship_to", new Struct(ADDRESS).put("street", "Main " + i).put("zip", i % 5 == 0 ? null : 1000 + i));
    }
}
