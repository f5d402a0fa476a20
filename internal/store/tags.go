package store

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Taggable resource types, as TagResources spells them.
const (
	ResourceInstance = "instance"
	ResourceDisk     = "disk"
)

// tagTables maps a resource type to its tag table, the table's resource
// column and the resources' own table.
var tagTables = map[string]struct{ tags, col, owner string }{
	ResourceInstance: {"instance_tags", "instance_id", "instances"},
	ResourceDisk:     {"disk_tags", "disk_id", "disks"},
}

// Tag is one tag of a resource.
type Tag struct{ Key, Value string }

// ResourceTag is a tag with the resource that carries it.
type ResourceTag struct {
	ResourceType, ResourceID string
	Tag
}

// TagSet sets a tag of an instance.
func (q Q) TagSet(ctx context.Context, instanceID, key, value string) error {
	return q.ResourceTagSet(ctx, ResourceInstance, instanceID, key, value)
}

// ResourceTagSet sets a tag of a resource, replacing the value of its key.
func (q Q) ResourceTagSet(ctx context.Context, typ, id, key, value string) error {
	t := tagTables[typ]
	_, err := q.db.ExecContext(ctx, `INSERT INTO `+t.tags+` (`+t.col+`, tag_key, tag_value) VALUES ($1, $2, $3)
		ON CONFLICT (`+t.col+`, tag_key) DO UPDATE SET tag_value = excluded.tag_value`, id, key, value)
	return interpretError(err)
}

// ResourceTagDelete removes the keys' tags from a resource; nil keys remove
// them all.
func (q Q) ResourceTagDelete(ctx context.Context, typ, id string, keys []string) error {
	t := tagTables[typ]
	query, args := `DELETE FROM `+t.tags+` WHERE `+t.col+` = $1`, []any{id}
	if keys != nil {
		if len(keys) == 0 {
			return nil
		}
		ph, more := inList(keys, 1)
		query += " AND tag_key IN (" + ph + ")"
		args = append(args, more...)
	}
	_, err := q.db.ExecContext(ctx, query, args...)
	return interpretError(err)
}

// ResourceTags returns the tags of each resource, sorted by key.
func (q Q) ResourceTags(ctx context.Context, typ string, ids []string) (map[string][]Tag, error) {
	out := map[string][]Tag{}
	if len(ids) == 0 {
		return out, nil
	}
	return out, q.each(ctx, tagsQuery(typ, ids, out))
}

func tagsQuery(typ string, ids []string, out map[string][]Tag) rowQuery {
	t := tagTables[typ]
	ph, args := inList(ids, 0)
	return rowQuery{`SELECT ` + t.col + `, tag_key, tag_value FROM ` + t.tags + ` WHERE ` + t.col + ` IN (` + ph + `) ORDER BY ` + t.col + `, tag_key`, args,
		func(r scanner) error {
			var id string
			var tg Tag
			if err := r.Scan(&id, &tg.Key, &tg.Value); err != nil {
				return err
			}
			out[id] = append(out[id], tg)
			return nil
		}}
}

// TagFilter selects tags for ResourceTagList.
type TagFilter struct {
	AccountID, RegionID, ResourceType string
	IDs                               []string // nil: every resource of the type
	// Tags: each key must be present, with one of its values (none: any value).
	Tags map[string][]string
	// After is the cursor: resource id and key of the last tag returned.
	AfterID, AfterKey string
	Limit             int
}

// ResourceTagList returns the tags of an account's resources of one type in
// a region, by resource id then key. With Tags, only resources that carry
// every key (with one of its values) are listed, with all their tags.
func (q Q) ResourceTagList(ctx context.Context, f TagFilter) ([]ResourceTag, error) {
	t := tagTables[f.ResourceType]
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	cond := []string{"r.account_id = " + arg(f.AccountID), "r.region_id = " + arg(f.RegionID)}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, nil
		}
		var ph []string
		for _, id := range f.IDs {
			ph = append(ph, arg(id))
		}
		cond = append(cond, "x."+t.col+" IN ("+strings.Join(ph, ", ")+")")
	}
	cond = append(cond, tagConditions(t.tags, t.col, "x."+t.col, f.Tags, arg)...)
	if f.AfterID != "" {
		a, k := arg(f.AfterID), arg(f.AfterKey)
		cond = append(cond, "(x."+t.col+" > "+a+" OR (x."+t.col+" = "+a+" AND x.tag_key > "+k+"))")
	}
	query := `SELECT x.` + t.col + `, x.tag_key, x.tag_value FROM ` + t.tags + ` x JOIN ` + t.owner + ` r ON r.id = x.` + t.col +
		` WHERE ` + strings.Join(cond, " AND ") + ` ORDER BY x.` + t.col + `, x.tag_key`
	if f.Limit > 0 {
		query += " LIMIT " + arg(f.Limit)
	}
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	var out []ResourceTag
	for rows.Next() {
		rt := ResourceTag{ResourceType: f.ResourceType}
		if err := rows.Scan(&rt.ResourceID, &rt.Key, &rt.Value); err != nil {
			return nil, interpretError(err)
		}
		out = append(out, rt)
	}
	return out, interpretError(rows.Err())
}

// tagConditions are the EXISTS conditions of a tag filter on the resource
// column idExpr: every key present, with one of its values when given. Keys
// in a fixed order, so that the same filter makes the same statement.
func tagConditions(table, col, idExpr string, tags map[string][]string, arg func(any) string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		c := "EXISTS (SELECT 1 FROM " + table + " t WHERE t." + col + " = " + idExpr + " AND t.tag_key = " + arg(k)
		if vs := tags[k]; len(vs) > 0 {
			var ph []string
			for _, v := range vs {
				ph = append(ph, arg(v))
			}
			c += " AND t.tag_value IN (" + strings.Join(ph, ", ") + ")"
		}
		out = append(out, c+")")
	}
	return out
}
