package io.durastash.sink.placement;

/**
 * Whether a drainer drains the stash of a sink task's worker, as its consumer tells the group leader when it joins
 * ({@link MemberData.Subscription}). A member that says nothing (another assignor, an older plugin) is {@link #UNKNOWN}.
 */
enum DrainerPresence {
    ABSENT,
    PRESENT,
    UNKNOWN
}
