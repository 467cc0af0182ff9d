// Package syncd makes ASIC_DB true: it consumes the sairedis-format
// ASIC_STATE queue written by orchagent, applies it to the platform through
// the HAL in bulk, answers on GETRESPONSE, and writes ASIC_STATE hashes and
// the VIDTORID/RIDTOVID maps only for what the platform accepted.
//
// One goroutine (Run's event loop) owns all state: the VID↔RID maps, the
// temporary view between INIT_VIEW and APPLY_VIEW, and the counters. A popper
// goroutine feeds it queue batches, a subscriber goroutine feeds it HAL
// events, and the HAL client's session-change callback wakes it when the
// platform restarted.
//
// Files: loop.go (event loop), batch.go (one queue batch → HAL writes),
// request.go (queue items), translate.go (VID↔RID), state.go (ASIC_DB
// writes), switch.go (switch object and discovery), replay.go (platform
// restart), resync.go (syncd restart), view.go (INIT_VIEW/APPLY_VIEW),
// notify.go (NOTIFICATIONS), stats.go (STATE_DB counters).
package syncd
