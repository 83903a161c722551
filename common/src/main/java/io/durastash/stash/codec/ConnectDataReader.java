package io.durastash.stash.codec;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads what {@link ConnectDataWriter} wrote; decoded full schemas are cached by their bytes. */
final class ConnectDataReader {
    private static final int SCHEMA_CACHE_LIMIT = 256;
    private static final Schema[] BARE = new Schema[2 * 16];

    static {
        for (Schema.Type type : Schema.Type.values()) {
            if (type.isPrimitive()) {
                int code = SchemaTypes.code(type);
                BARE[code] = SchemaBuilder.type(type).build();
                BARE[16 + code] = SchemaBuilder.type(type).optional().build();
            }
        }
    }

    private final Map<ByteBuffer, Schema> decodedSchemas = new HashMap<>();

    Schema readSchema(ByteReader in) {
        int tag = in.readByte();
        if (tag == SchemaTypes.NO_SCHEMA) {
            return null;
        }
        if (tag == SchemaTypes.FULL_SCHEMA) {
            byte[] full = in.readBytes();
            ByteBuffer key = ByteBuffer.wrap(full);
            Schema schema = decodedSchemas.get(key);
            if (schema == null) {
                ByteReader schemaIn = new ByteReader(full, 0, full.length);
                schema = readFullSchema(schemaIn);
                if (decodedSchemas.size() >= SCHEMA_CACHE_LIMIT) {
                    decodedSchemas.clear();
                }
                decodedSchemas.put(key, schema);
            }
            return schema;
        }
        boolean optional = (tag & SchemaTypes.OPTIONAL_BIT) != 0;
        int code = tag & ~SchemaTypes.OPTIONAL_BIT;
        Schema.Type type = SchemaTypes.type(code);
        if (!type.isPrimitive()) {
            throw new CorruptEntryException("bare schema tag for non-primitive type " + type);
        }
        return BARE[(optional ? 16 : 0) + code];
    }

    private Schema readFullSchema(ByteReader in) {
        Schema.Type type = SchemaTypes.type(in.readByte());
        SchemaBuilder builder;
        boolean optional = in.readByte() == 1;
        String name = in.readNullableString();
        Integer version = in.readByte() == 1 ? (int) in.readVarlong() : null;
        String doc = in.readNullableString();
        int paramCount = in.readUnsignedVarint();
        Map<String, String> params = paramCount == 0 ? null : new LinkedHashMap<>();
        for (int i = 0; i < paramCount; i++) {
            params.put(in.readString(), in.readNullableString());
        }
        switch (type) {
            case STRUCT: {
                builder = SchemaBuilder.struct();
                int fieldCount = in.readUnsignedVarint();
                for (int i = 0; i < fieldCount; i++) {
                    String fieldName = in.readString();
                    builder.field(fieldName, readFullSchema(in));
                }
                break;
            }
            case ARRAY:
                builder = SchemaBuilder.array(readFullSchema(in));
                break;
            case MAP: {
                Schema keySchema = readFullSchema(in);
                builder = SchemaBuilder.map(keySchema, readFullSchema(in));
                break;
            }
            default:
                builder = SchemaBuilder.type(type);
                break;
        }
        if (optional) {
            builder.optional();
        }
        if (name != null) {
            builder.name(name);
        }
        if (version != null) {
            builder.version(version);
        }
        if (doc != null) {
            builder.doc(doc);
        }
        if (params != null) {
            builder.parameters(params);
        }
        if (in.readByte() == 1) {
            Object defaultValue = readValue(in, builder.build());
            try {
                builder.defaultValue(defaultValue);
            } catch (DataException e) {
                throw new CorruptEntryException("stored default value does not fit its schema " + name, e);
            }
        }
        return builder.build();
    }

    Object readValue(ByteReader in, Schema schema) {
        if (schema == null) {
            return readDynamic(in);
        }
        if (in.readByte() == 0) {
            return null;
        }
        String logical = schema.name();
        if (logical != null && isLogical(logical) && in.readByte() == 1) {
            return readLogical(in, schema, logical);
        }
        switch (schema.type()) {
            case INT8: return (byte) in.readByte();
            case INT16: return (short) in.readVarlong();
            case INT32: return (int) in.readVarlong();
            case INT64: return in.readVarlong();
            case FLOAT32: return Float.intBitsToFloat(in.readInt());
            case FLOAT64: return Double.longBitsToDouble(in.readLong());
            case BOOLEAN: return in.readByte() == 1;
            case STRING: return in.readString();
            case BYTES: return in.readBytes();
            case ARRAY: {
                int size = in.readUnsignedVarint();
                List<Object> list = new ArrayList<>(Math.min(size, 1024));
                for (int i = 0; i < size; i++) {
                    list.add(readValue(in, schema.valueSchema()));
                }
                return list;
            }
            case MAP: {
                int size = in.readUnsignedVarint();
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < size; i++) {
                    Object k = readValue(in, schema.keySchema());
                    map.put(k, readValue(in, schema.valueSchema()));
                }
                return map;
            }
            case STRUCT: {
                Struct struct = new Struct(schema);
                for (Field f : schema.fields()) {
                    Object v = readValue(in, f.schema());
                    if (v != null) {
                        struct.put(f, v);
                    }
                }
                return struct;
            }
            default:
                throw new CorruptEntryException("unsupported schema type " + schema.type());
        }
    }

    private static boolean isLogical(String name) {
        return Decimal.LOGICAL_NAME.equals(name) || Date.LOGICAL_NAME.equals(name)
            || Time.LOGICAL_NAME.equals(name) || Timestamp.LOGICAL_NAME.equals(name);
    }

    private static Object readLogical(ByteReader in, Schema schema, String logical) {
        switch (logical) {
            case Decimal.LOGICAL_NAME: return Decimal.toLogical(schema, in.readBytes());
            case Date.LOGICAL_NAME: return Date.toLogical(schema, (int) in.readVarlong());
            case Time.LOGICAL_NAME: return Time.toLogical(schema, (int) in.readVarlong());
            default: return Timestamp.toLogical(schema, in.readVarlong());
        }
    }

    private Object readDynamic(ByteReader in) {
        int tag = in.readByte();
        switch (tag) {
            case DynamicTypes.NULL: return null;
            case DynamicTypes.INT8: return (byte) in.readByte();
            case DynamicTypes.INT16: return (short) in.readVarlong();
            case DynamicTypes.INT32: return (int) in.readVarlong();
            case DynamicTypes.INT64: return in.readVarlong();
            case DynamicTypes.FLOAT32: return Float.intBitsToFloat(in.readInt());
            case DynamicTypes.FLOAT64: return Double.longBitsToDouble(in.readLong());
            case DynamicTypes.BOOLEAN: return in.readByte() == 1;
            case DynamicTypes.STRING: return in.readString();
            case DynamicTypes.BYTES: return in.readBytes();
            case DynamicTypes.LIST: {
                int size = in.readUnsignedVarint();
                List<Object> list = new ArrayList<>(Math.min(size, 1024));
                for (int i = 0; i < size; i++) {
                    list.add(readDynamic(in));
                }
                return list;
            }
            case DynamicTypes.MAP: {
                int size = in.readUnsignedVarint();
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < size; i++) {
                    Object k = readDynamic(in);
                    map.put(k, readDynamic(in));
                }
                return map;
            }
            case DynamicTypes.STRUCT: {
                Schema schema = readSchema(in);
                return readValue(in, schema);
            }
            case DynamicTypes.DECIMAL: {
                int scale = (int) in.readVarlong();
                return new BigDecimal(new BigInteger(in.readBytes()), scale);
            }
            case DynamicTypes.DATE: return new java.util.Date(in.readVarlong());
            default: throw new CorruptEntryException("unknown value tag " + tag);
        }
    }
}
