package limits

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// YAMLExpansion is the default budget of a YAML document, counted as if every
// alias were written out in full: the bytes of every scalar plus
// YAMLNodeCost for every node. A "billion laughs" of nested aliases and one
// large string aliased many times both go past it long before they cost memory.
const YAMLExpansion = 64 << 20

// YAMLNodeCost is what one node counts towards the budget beyond its text: a
// decoded node costs memory even when its text is empty.
const YAMLNodeCost = 64

// Aliases checks that root, a document parsed into a yaml.Node (which keeps
// aliases as references, unexpanded), stays within budget bytes when every
// alias is expanded, as decoding it into Go values would. The error names the
// line of the alias that crossed the budget. Parsing into a Node is linear in
// the size of the text; only decoding expands aliases, so call this between
// the two.
func Aliases(root *yaml.Node, budget int64) error {
	c := aliasCounter{budget: budget, memo: map[*yaml.Node]int64{}, active: map[*yaml.Node]bool{}}
	_, err := c.cost(root)
	return err
}

type aliasCounter struct {
	budget int64
	// memo is the expanded cost of each anchored node, counted once.
	memo map[*yaml.Node]int64
	// active are the anchored nodes being counted (an alias to one of them is
	// a cycle, which yaml.v3 refuses when decoding but a Node may hold).
	active map[*yaml.Node]bool
}

func (c *aliasCounter) cost(n *yaml.Node) (int64, error) {
	if n == nil {
		return 0, nil
	}
	if n.Kind == yaml.AliasNode {
		target := n.Alias
		if target == nil {
			return YAMLNodeCost, nil
		}
		if c.active[target] {
			return 0, fmt.Errorf("line %d: YAML alias *%s refers to itself", n.Line, n.Value)
		}
		v, ok := c.memo[target]
		if !ok {
			var err error
			if v, err = c.cost(target); err != nil {
				return 0, err
			}
		}
		if v > c.budget {
			return 0, c.over(n)
		}
		return v, nil
	}
	if n.Anchor != "" {
		c.active[n] = true
		defer delete(c.active, n)
	}
	total := int64(YAMLNodeCost + len(n.Value))
	for _, ch := range n.Content {
		v, err := c.cost(ch)
		if err != nil {
			return 0, err
		}
		total += v
		if total > c.budget {
			line := n.Line
			if ch.Line > 0 {
				line = ch.Line
			}
			return 0, fmt.Errorf("line %d: YAML aliases expand to more than %s", line, Size(c.budget))
		}
	}
	if n.Anchor != "" {
		c.memo[n] = total
	}
	return total, nil
}

func (c *aliasCounter) over(n *yaml.Node) error {
	return fmt.Errorf("line %d: YAML aliases expand to more than %s", n.Line, Size(c.budget))
}
