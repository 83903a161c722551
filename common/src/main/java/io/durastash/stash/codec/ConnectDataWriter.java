package io.durastash.stash.codec;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes Connect schemas and values in the stash's binary form. Full schemas are encoded once per
 * schema instance and reused: converters hand out the same schema object for every record of a type.
 */
final class ConnectDataWriter {
    private static final int SCHEMA_CACHE_LIMIT = 256;

    private final Map<Schema, byte[]> encodedSchemas = new IdentityHashMap<>();
    private final ByteWriter scratch = new ByteWriter(256);

    void writeSchema(ByteWriter out, Schema schema) {
        if (schema == null) {
            out.writeByte(SchemaTypes.NO_SCHEMA);
        } else if (SchemaTypes.isBare(schema)) {
            out.writeByte(SchemaTypes.code(schema.type()) | (schema.isOptional() ? SchemaTypes.OPTIONAL_BIT : 0));
        } else {
            byte[] full = encodedSchemas.get(schema);
            if (full == null) {
                scratch.reset();
                writeFullSchema(scratch, schema);
                full = scratch.toByteArray();
                if (encodedSchemas.size() >= SCHEMA_CACHE_LIMIT) {
                    encodedSchemas.clear();
                }
                encodedSchemas.put(schema, full);
            }
            out.writeByte(SchemaTypes.FULL_SCHEMA);
            out.writeBytes(full, 0, full.length);
        }
    }

    private void writeFullSchema(ByteWriter out, Schema schema) {
        out.writeByte(SchemaTypes.code(schema.type()));
        out.writeByte(schema.isOptional() ? 1 : 0);
        out.writeNullableString(schema.name());
        Integer version = schema.version();
        out.writeByte(version == null ? 0 : 1);
        if (version != null) {
            out.writeVarlong(version);
        }
        out.writeNullableString(schema.doc());
        Map<String, String> params = schema.parameters();
        int paramCount = params == null ? 0 : params.size();
        out.writeUnsignedVarint(paramCount);
        if (paramCount > 0) {
            for (Map.Entry<String, String> p : params.entrySet()) {
                out.writeString(p.getKey());
                out.writeNullableString(p.getValue());
            }
        }
        switch (schema.type()) {
            case STRUCT:
                List<Field> fields = schema.fields();
                out.writeUnsignedVarint(fields.size());
                for (Field f : fields) {
                    out.writeString(f.name());
                    writeFullSchema(out, f.schema());
                }
                break;
            case ARRAY:
                writeFullSchema(out, schema.valueSchema());
                break;
            case MAP:
                writeFullSchema(out, schema.keySchema());
                writeFullSchema(out, schema.valueSchema());
                break;
            default:
                break;
        }
        Object defaultValue = schema.defaultValue();
        out.writeByte(defaultValue == null ? 0 : 1);
        if (defaultValue != null) {
            writeValue(out, schema, defaultValue);
        }
    }

    /** Writes a value that belongs to {@code schema}; with no schema, every value carries its own type tag. */
    void writeValue(ByteWriter out, Schema schema, Object value) {
        if (schema == null) {
            writeDynamic(out, value);
            return;
        }
        if (value == null) {
            out.writeByte(0);
            return;
        }
        out.writeByte(1);
        try {
            writePresent(out, schema, value);
        } catch (ClassCastException e) {
            throw new RecordEncodingException("value of type " + value.getClass().getName()
                + " does not match its schema type " + schema.type() + describe(schema), e);
        }
    }

    private void writePresent(ByteWriter out, Schema schema, Object value) {
        String logical = schema.name();
        if (logical != null && writeLogical(out, schema, logical, value)) {
            return;
        }
        switch (schema.type()) {
            case INT8: out.writeByte((Byte) value); break;
            case INT16: out.writeVarlong((Short) value); break;
            case INT32: out.writeVarlong((Integer) value); break;
            case INT64: out.writeVarlong((Long) value); break;
            case FLOAT32: out.writeInt(Float.floatToRawIntBits((Float) value)); break;
            case FLOAT64: out.writeLong(Double.doubleToRawLongBits((Double) value)); break;
            case BOOLEAN: out.writeByte(((Boolean) value) ? 1 : 0); break;
            case STRING: out.writeString((String) value); break;
            case BYTES: writeBytes(out, value); break;
            case ARRAY: {
                List<?> list = (List<?>) value;
                out.writeUnsignedVarint(list.size());
                for (Object element : list) {
                    writeValue(out, schema.valueSchema(), element);
                }
                break;
            }
            case MAP: {
                Map<?, ?> map = (Map<?, ?>) value;
                out.writeUnsignedVarint(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    writeValue(out, schema.keySchema(), e.getKey());
                    writeValue(out, schema.valueSchema(), e.getValue());
                }
                break;
            }
            case STRUCT: {
                Struct struct = (Struct) value;
                for (Field f : schema.fields()) {
                    writeValue(out, f.schema(), struct.getWithoutDefault(f.name()));
                }
                break;
            }
            default:
                throw new RecordEncodingException("unsupported schema type " + schema.type());
        }
    }

    /** Logical values are written in their storage form, after a marker that says which Java form to restore. */
    private boolean writeLogical(ByteWriter out, Schema schema, String logical, Object value) {
        switch (logical) {
            case Decimal.LOGICAL_NAME:
                if (value instanceof BigDecimal) {
                    out.writeByte(1);
                    byte[] unscaled = Decimal.fromLogical(schema, (BigDecimal) value);
                    out.writeBytes(unscaled, 0, unscaled.length);
                    return true;
                }
                break;
            case Date.LOGICAL_NAME:
                if (value instanceof java.util.Date) {
                    out.writeByte(1);
                    out.writeVarlong(Date.fromLogical(schema, (java.util.Date) value));
                    return true;
                }
                break;
            case Time.LOGICAL_NAME:
                if (value instanceof java.util.Date) {
                    out.writeByte(1);
                    out.writeVarlong(Time.fromLogical(schema, (java.util.Date) value));
                    return true;
                }
                break;
            case Timestamp.LOGICAL_NAME:
                if (value instanceof java.util.Date) {
                    out.writeByte(1);
                    out.writeVarlong(Timestamp.fromLogical(schema, (java.util.Date) value));
                    return true;
                }
                break;
            default:
                return false;
        }
        out.writeByte(0);
        return false;
    }

    private static void writeBytes(ByteWriter out, Object value) {
        if (value instanceof byte[]) {
            byte[] b = (byte[]) value;
            out.writeBytes(b, 0, b.length);
        } else {
            ByteBuffer bb = ((ByteBuffer) value).duplicate();
            byte[] b = new byte[bb.remaining()];
            bb.get(b);
            out.writeBytes(b, 0, b.length);
        }
    }

    private void writeDynamic(ByteWriter out, Object value) {
        if (value == null) {
            out.writeByte(DynamicTypes.NULL);
        } else if (value instanceof String) {
            out.writeByte(DynamicTypes.STRING);
            out.writeString((String) value);
        } else if (value instanceof Long) {
            out.writeByte(DynamicTypes.INT64);
            out.writeVarlong((Long) value);
        } else if (value instanceof Integer) {
            out.writeByte(DynamicTypes.INT32);
            out.writeVarlong((Integer) value);
        } else if (value instanceof Short) {
            out.writeByte(DynamicTypes.INT16);
            out.writeVarlong((Short) value);
        } else if (value instanceof Byte) {
            out.writeByte(DynamicTypes.INT8);
            out.writeByte((Byte) value);
        } else if (value instanceof Double) {
            out.writeByte(DynamicTypes.FLOAT64);
            out.writeLong(Double.doubleToRawLongBits((Double) value));
        } else if (value instanceof Float) {
            out.writeByte(DynamicTypes.FLOAT32);
            out.writeInt(Float.floatToRawIntBits((Float) value));
        } else if (value instanceof Boolean) {
            out.writeByte(DynamicTypes.BOOLEAN);
            out.writeByte(((Boolean) value) ? 1 : 0);
        } else if (value instanceof byte[] || value instanceof ByteBuffer) {
            out.writeByte(DynamicTypes.BYTES);
            writeBytes(out, value);
        } else if (value instanceof List) {
            List<?> list = (List<?>) value;
            out.writeByte(DynamicTypes.LIST);
            out.writeUnsignedVarint(list.size());
            for (Object element : list) {
                writeDynamic(out, element);
            }
        } else if (value instanceof Map) {
            Map<?, ?> map = (Map<?, ?>) value;
            out.writeByte(DynamicTypes.MAP);
            out.writeUnsignedVarint(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                writeDynamic(out, e.getKey());
                writeDynamic(out, e.getValue());
            }
        } else if (value instanceof Struct) {
            Struct struct = (Struct) value;
            out.writeByte(DynamicTypes.STRUCT);
            writeSchema(out, struct.schema());
            writeValue(out, struct.schema(), struct);
        } else if (value instanceof BigDecimal) {
            BigDecimal d = (BigDecimal) value;
            out.writeByte(DynamicTypes.DECIMAL);
            out.writeVarlong(d.scale());
            byte[] unscaled = d.unscaledValue().toByteArray();
            out.writeBytes(unscaled, 0, unscaled.length);
        } else if (value instanceof java.util.Date) {
            out.writeByte(DynamicTypes.DATE);
            out.writeVarlong(((java.util.Date) value).getTime());
        } else {
            throw new RecordEncodingException("schemaless value of unsupported type " + value.getClass().getName()
                + "; use a converter that produces Connect data types");
        }
    }

    private static String describe(Schema schema) {
        return schema.name() == null ? "" : " (" + schema.name() + ")";
    }
}
