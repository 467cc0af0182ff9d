// Package syncd makes ASIC_DB true: it consumes the sairedis-format
// ASIC_STATE queue written by orchagent, applies it to the platform through
// the HAL in bulk, answers on GETRESPONSE, and writes ASIC_STATE hashes and
// the VIDTORID/RIDTOVID maps only for what the platform accepted.
//
// One goroutine (Run's event loop) owns all state: the VID↔RID maps, the
// temporary view between INIT_VIEW and APPLY_VIEW, and the counters. A popper
// goroutine feeds it queue batches, a subscriber goroutine feeds it HAL
// events, the HAL client's session-change callback wakes it when the
// platform restarted, and a writer goroutine runs each batch's ASIC_DB and
// STATE_DB pipelines and then its replies, in order, while the loop goes on
// with the next batch's HAL write.
//
// Every HAL call that carries object ids carries the acknowledged platform
// session (fence.go); the platform refuses a call for a session it no
// longer serves before applying anything, and syncd then replays ASIC_DB
// into the restarted platform and retries the call. No extra round trip is
// made while the platform stays up.
//
// Refused objects are answered with the SAI status (one per object for
// bulk), logged with their key, and recorded in STATE_DB
// SYNCD_ERROR_TABLE|<type>:<id> {op, status, reason} until an op on them
// succeeds; counters are in SYNCD_STATS|global.
//
// Files: syncd.go (config, event loop), request.go (queue items), batch.go
// (one queue batch → HAL writes → results), fence.go (session check),
// state.go (ASIC_DB/STATE_DB writes, writer goroutine), idmap.go (VID↔RID),
// switch.go (switch object, discovery of platform objects), get.go,
// resync.go (syncd restart), replay.go (platform restart), view.go and
// viewapply.go (INIT_VIEW/APPLY_VIEW), viewmatch.go (matching objects by
// the objects built on them), asicview.go (ASIC_DB view loading),
// notify.go (NOTIFICATIONS), stats.go (counters, error table), redisq.go
// (swss queue adapters), codec.go (hal/sai names).
package syncd
