package policy

import (
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestPatternMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, name string
		fold          bool
		want          bool
	}{
		{"*", "", false, true},
		{"*", "anything at all", false, true},
		{"", "", false, true},
		{"", "x", false, false},
		{"ecs:DescribeInstances", "ecs:DescribeInstances", false, true},
		{"ecs:DescribeInstances", "ecs:DescribeInstance", false, false},
		{"ecs:Describe*", "ecs:Describe", false, true},
		{"ecs:Describe*", "ecs:DescribeInstances", false, true},
		{"ecs:Describe*", "ecs:StopInstance", false, false},
		{"ecs:Stop?nstance", "ecs:StopInstance", false, true},
		{"ecs:Stop?nstance", "ecs:Stopnstance", false, false},
		{"ecs:Stop?nstance", "ecs:StopXXnstance", false, false},
		{"*:Describe*", "rds:DescribeDBInstances", false, true},
		{"acs:ecs:*:*:instance/*", "acs:ecs:cn-hangzhou:123:instance/i-001", false, true},
		{"acs:ecs:*:*:instance/*", "acs:ecs:cn-hangzhou:123:disk/d-001", false, false},
		{"acs:ecs:*:*:instance/i-00?", "acs:ecs:cn-hangzhou:123:instance/i-001", false, true},
		{"a*b*c", "abc", false, true},
		{"a*b*c", "aXbYc", false, true},
		{"a*b*c", "acb", false, false},
		{"a*a", "a", false, false}, // prefix and suffix may not overlap
		{"a*a", "aa", false, true},
		{"*ab*ab*", "abab", false, true},
		{"*ab*ab*", "aab", false, false},
		{"**x**", "x", false, true},
		{"?*?", "a", false, false},
		{"?*?", "ab", false, true},
		{"相*", "相册/a", false, true},
		{"??", "相册", false, true}, // '?' is one character, not one byte
		// Case: folded patterns (actions) ignore case; others do not.
		{"ecs:describe*", "ECS:DescribeInstances", true, true},
		{"ECS:STOPINSTANCE", "ecs:stopinstance", true, true},
		{"ecs:describe*", "ECS:DescribeInstances", false, false},
		{"acs:ecs:*:*:instance/I-001", "acs:ecs:cn-hangzhou:1:instance/i-001", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"~"+tt.name, func(t *testing.T) {
			t.Parallel()
			name := tt.name
			if tt.fold {
				name = strings.ToLower(name)
			}
			if got := compilePattern(tt.pattern, tt.fold).match([]rune(name)); got != tt.want {
				t.Errorf("match(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
			}
		})
	}
}

// TestPatternMatchesReference checks the segment matcher against a plain
// dynamic-programming matcher on small alphabets, where stars and '?' collide
// often, and on segments longer than one 64-bit word.
func TestPatternMatchesReference(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		pat := rapid.StringOfN(rapid.SampledFrom([]rune("ab?*")), 0, 12, -1).Draw(t, "pattern")
		name := rapid.StringOfN(rapid.SampledFrom([]rune("ab")), 0, 16, -1).Draw(t, "name")
		if rapid.Bool().Draw(t, "long") { // exercise multi-word segments
			pat = strings.Repeat("a?", 40) + pat + "*" + strings.Repeat("?b", 35)
			name = strings.Repeat("ab", 40) + name + strings.Repeat("ab", 40)
		}
		got := compilePattern(pat, false).match([]rune(name))
		if want := refMatch([]rune(pat), []rune(name)); got != want {
			t.Fatalf("match(%q, %q) = %v, reference says %v", pat, name, got, want)
		}
	})
}

func refMatch(p, s []rune) bool {
	// ok[j] reports whether p[:i] matches s[:j], row by row.
	ok := make([]bool, len(s)+1)
	ok[0] = true
	for _, c := range p {
		next := make([]bool, len(s)+1)
		if c == '*' {
			seen := false
			for j := range ok {
				seen = seen || ok[j]
				next[j] = seen
			}
		} else {
			for j := 1; j <= len(s); j++ {
				next[j] = ok[j-1] && (c == '?' || c == s[j-1])
			}
		}
		ok = next
	}
	return ok[len(s)]
}

// TestPatternAdversarial: patterns that make a backtracking matcher
// exponential (or quadratic) finish at once, at the longest sizes a policy
// document allows.
func TestPatternAdversarial(t *testing.T) {
	t.Parallel()
	name := []rune(strings.Repeat("a", MaxDocumentLength))
	tests := []string{
		strings.Repeat("*a", 1500) + "*b",           // many stars, fails at the end
		strings.Repeat("a*", 1500) + "b",            // anchored suffix that never matches
		"*" + strings.Repeat("a", 3000) + "b*",      // one long middle segment (47 words)
		"*" + strings.Repeat("?", 2000) + "b" + "*", // long '?' run
		strings.Repeat("*?", 1000) + strings.Repeat("*a", 1000) + "*b",
	}
	for _, pat := range tests {
		start := time.Now()
		if compilePattern(pat, false).match(name) {
			t.Errorf("pattern of %d characters matched", len(pat))
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("pattern of %d characters took %v", len(pat), d)
		}
	}
}

func BenchmarkPatternAdversarial(b *testing.B) {
	name := []rune(strings.Repeat("a", MaxDocumentLength))
	p := compilePattern(strings.Repeat("*a", 1500)+"*b", false)
	for b.Loop() {
		p.match(name)
	}
}
