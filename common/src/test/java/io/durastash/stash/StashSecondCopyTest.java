package io.durastash.stash;

import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.testing.TestRecords;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A second copy of DuraStash in the same worker (a second plugin or version on plugin.path: its own
 * class loader, registry and RocksDB native library) must not open a stash this copy holds open.
 */
class StashSecondCopyTest {
    @TempDir
    Path dir;

    @Test
    void aSecondCopyInAnotherClassLoaderIsRefusedWithTheFix() throws Exception {
        try (Stash stash = Stash.open(dir, StashOptions.defaults());
             URLClassLoader secondCopy = new URLClassLoader(classpath(), ClassLoader.getPlatformClassLoader())) {
            Class<?> stashClass = secondCopy.loadClass(Stash.class.getName());
            Class<?> optionsClass = secondCopy.loadClass(StashOptions.class.getName());
            assertNotSame(Stash.class, stashClass, "a separate copy of the classes");
            Object options = optionsClass.getMethod("defaults").invoke(null);
            Method open = stashClass.getMethod("open", Path.class, optionsClass);

            InvocationTargetException refused = org.junit.jupiter.api.Assertions.assertThrows(
                InvocationTargetException.class, () -> open.invoke(null, dir, options));

            Throwable cause = refused.getCause();
            assertEquals(StashException.class.getName(), cause.getClass().getName());
            assertTrue(cause.getMessage().contains(dir.toString()), cause.getMessage());
            assertTrue(cause.getMessage().contains("ONE plugin"), cause.getMessage());
            new TestRecords().appendBatch(stash, "t", 0, 0, 1);
            assertEquals(1, stash.stats().pendingBatches(), "the first copy is untouched");
        }
    }

    private static URL[] classpath() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(Paths.get(entry).toUri().toURL());
        }
        return urls.toArray(new URL[0]);
    }
}
