package io.durastash.connect;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.util.regex.Pattern;

/** A stash name is one directory below {@code stash.dir}: no separators, no {@code .}/{@code ..}, so it cannot escape. */
public final class StashNameValidator implements ConfigDef.Validator {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    @Override
    public void ensureValid(String name, Object value) {
        String s = (String) value;
        if (s == null || !NAME.matcher(s).matches() || s.contains("..")) {
            throw new ConfigException(name, value, "must be 1-128 characters of letters, digits, '.', '_' or '-', start "
                + "with a letter or digit and contain no '..': it names a directory inside stash.dir and may not escape it");
        }
    }

    @Override
    public String toString() {
        return "a directory name inside stash.dir: [A-Za-z0-9][A-Za-z0-9._-]{0,127}, no '..'";
    }
}
