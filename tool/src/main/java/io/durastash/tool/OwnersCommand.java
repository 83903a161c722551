package io.durastash.tool;

import io.durastash.connect.StashOwners;
import io.durastash.connect.StashOwners.Owners;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code owners}: the sink and the source connector the stash belongs to; with {@code --sink} or {@code --source},
 * hands the stash over to connectors of those names (a renamed connector), with the stash to itself, so the old
 * owners are stopped.
 */
final class OwnersCommand implements Command {
    private static final String SINK = "--sink";
    private static final String SOURCE = "--source";

    @Override
    public void check(Arguments args) throws UsageException {
        args.allowOnly("owners", SINK, SOURCE);
        if (args.positionals().size() > 1) {
            throw new UsageException("owners takes no arguments; name the new owners with --sink and --source");
        }
        for (String option : new String[] {SINK, SOURCE}) {
            String name = args.option(option);
            if (name != null && name.isBlank()) {
                throw new UsageException(option + " needs a connector name");
            }
        }
    }

    @Override
    public boolean changesStash(Arguments args) {
        return args.option(SINK) != null || args.option(SOURCE) != null;
    }

    @Override
    public int run(Invocation in) {
        Owners before = StashOwners.read(in.stash().path());
        Owners after = before;
        if (changesStash(in.args())) {
            String sink = in.args().option(SINK);
            String source = in.args().option(SOURCE);
            after = new Owners(sink != null ? sink.trim() : before.sink(), source != null ? source.trim() : before.source());
            StashOwners.write(in.stash().path(), after);
        }
        Output out = in.out();
        if (out.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("path", in.stash().path().toString());
            json.put("sink", after.sink());
            json.put("source", after.source());
            json.put("changed", !after.equals(before));
            out.document(json);
            return StashTool.OK;
        }
        out.line("stash    %s", in.stash().path());
        out.line("sink     %s", shown(after.sink()));
        out.line("source   %s", shown(after.source()));
        if (!after.equals(before)) {
            out.line("handed over from sink %s and source %s: connectors of the new names may now use the stash",
                shown(before.sink()), shown(before.source()));
        }
        return StashTool.OK;
    }

    private static String shown(String name) {
        return name == null ? "(none yet: the first to start takes it)" : name;
    }
}
