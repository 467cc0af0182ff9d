// Package swss implements the Redis conventions of SONiC's swss-common in Go,
// byte-compatible with the C++ and Python implementations, so that vltgw's
// daemons interoperate with redis-cli, swss-common producers and DVS-style
// tests (the facts are in shared/spec/sonic-wire.md).
//
// It owns: loading database_config.json (DBConfig; a default is embedded),
// one connector per logical database (DB), plain tables (Table), the APP_DB
// intent protocol (ProducerStateTable / ConsumerStateTable: key set, "_T:k"
// staging hashes, del set, publish on "T_CHANNEL@<db>", atomic Lua pop in
// batches), keyspace subscriptions for CONFIG_DB/STATE_DB
// (SubscriberStateTable for one table, SubscriberGroup for many over one
// pattern: Redis matches every notification it publishes against every
// subscribed pattern, so a daemon following many tables should use one
// group), the ordered queue used between orchagent and syncd
// (ProducerTable / ConsumerTable, JSON field arrays) and notification
// channels (NotificationProducer / NotificationConsumer). The test helper
// that runs a real redis-server is swss/redistest.
//
// Rules every type follows:
//   - every blocking call takes a context and returns when it ends;
//   - malformed data found in Redis is logged with its key and skipped (or,
//     for the ordered queue, delivered marked Malformed so an in-order
//     replier can answer it), never allowed to stop the entries behind it;
//   - a Redis restart is survived: go-redis reconnects and re-subscribes,
//     state-table and queue consumers pop at once (pending keys and queued
//     entries stay in Redis meanwhile), a SubscriberStateTable (or
//     SubscriberGroup) re-reads its tables and reports what changed; only pub/sub notifications published
//     while disconnected are lost, as with swss-common;
//   - Close releases every goroutine a consumer started.
//
// sonic-mgmt-common is not used: the Go module proxy refuses it and its DB
// layer needs libyang1 through cgo.
package swss
