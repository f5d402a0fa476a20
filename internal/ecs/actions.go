// Package ecs holds the ECS (2014-05-26) actions: one file per action with
// its request and response structs and its handler, and the domain rules
// they call. Handlers decode, call the domain and encode; nothing else.
package ecs

import "github.com/ecsd/ecsd/internal/rpc"

// Product is ECS, version 2014-05-26. Its actions are listed by name.
var Product = &rpc.Product{
	Name:    "Ecs",
	Version: "2014-05-26",
	Actions: []rpc.Action{
		{Name: "DescribeRegions", RAM: "ecs:DescribeRegions", Handle: rpc.Bind(describeRegions)},
	},
}
