package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vltgw/vltgw/swss"
)

func runConfigLoad(ctx context.Context, env *Env, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: config load <config_db.json>", ErrUsage)
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	rows, err := ParseConfigDB(data)
	if err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	db, err := env.store(ctx, swss.ConfigDB)
	if err != nil {
		return err
	}
	if err := db.writeRows(ctx, rows); err != nil {
		return err
	}
	tables := map[string]bool{}
	for _, r := range rows {
		tables[r.Table] = true
	}
	if env.JSON() {
		return writeJSON(env.Stdout, map[string]any{"file": args[0], "rows": len(rows), "tables": len(tables)})
	}
	_, err = fmt.Fprintf(env.Stdout, "Loaded %d rows of %d tables from %s into CONFIG_DB\n", len(rows), len(tables), args[0])
	return err
}

func runConfigSave(ctx context.Context, env *Env, args []string) error {
	if len(args) > 1 {
		return fmt.Errorf("%w: config save [file]", ErrUsage)
	}
	db, err := env.store(ctx, swss.ConfigDB)
	if err != nil {
		return err
	}
	rows, err := db.allRows(ctx)
	if err != nil {
		return err
	}
	data, err := FormatConfigDB(rows)
	if err != nil {
		return err
	}
	if len(args) == 0 || args[0] == "-" {
		_, err := env.Stdout.Write(data)
		return err
	}
	return writeFileAtomic(args[0], data)
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it over path, so a reader never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("save %s: %w", path, werr)
	}
	return nil
}
