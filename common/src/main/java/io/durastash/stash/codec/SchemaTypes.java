package io.durastash.stash.codec;

import org.apache.kafka.connect.data.Schema;

/** Stable one-byte codes for Connect schema types; the stash format must not depend on enum ordinals. */
final class SchemaTypes {
    static final int NO_SCHEMA = 0;
    /** A schema with a name, version, doc, parameters, default or children: written in full, length-prefixed. */
    static final int FULL_SCHEMA = 0x3F;
    /** Added to a type code for a bare primitive schema that is optional. */
    static final int OPTIONAL_BIT = 0x40;

    private SchemaTypes() {
    }

    static int code(Schema.Type type) {
        switch (type) {
            case INT8: return 1;
            case INT16: return 2;
            case INT32: return 3;
            case INT64: return 4;
            case FLOAT32: return 5;
            case FLOAT64: return 6;
            case BOOLEAN: return 7;
            case STRING: return 8;
            case BYTES: return 9;
            case ARRAY: return 10;
            case MAP: return 11;
            case STRUCT: return 12;
            default: throw new RecordEncodingException("unsupported schema type " + type);
        }
    }

    static Schema.Type type(int code) {
        switch (code) {
            case 1: return Schema.Type.INT8;
            case 2: return Schema.Type.INT16;
            case 3: return Schema.Type.INT32;
            case 4: return Schema.Type.INT64;
            case 5: return Schema.Type.FLOAT32;
            case 6: return Schema.Type.FLOAT64;
            case 7: return Schema.Type.BOOLEAN;
            case 8: return Schema.Type.STRING;
            case 9: return Schema.Type.BYTES;
            case 10: return Schema.Type.ARRAY;
            case 11: return Schema.Type.MAP;
            case 12: return Schema.Type.STRUCT;
            default: throw new CorruptEntryException("unknown schema type code " + code);
        }
    }

    /** A primitive schema with nothing but its type and optionality, which a single byte describes. */
    static boolean isBare(Schema schema) {
        return schema.type().isPrimitive() && schema.name() == null && schema.version() == null
            && schema.doc() == null && (schema.parameters() == null || schema.parameters().isEmpty())
            && schema.defaultValue() == null;
    }
}
