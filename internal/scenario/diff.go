package scenario

import "strings"

// maxDiffCells bounds the longest-common-subsequence table; past it the diff
// lists all expected lines as removed and all actual lines as added.
const maxDiffCells = 4 << 20

// diff returns a line diff of a and b: "  " for common lines, "- " for lines
// only in a, "+ " for lines only in b, each ending in "\n".
func diff(a, b []string) string {
	var out strings.Builder
	emit := func(prefix, line string) {
		out.WriteString(prefix + line + "\n")
	}
	if (len(a)+1)*(len(b)+1) > maxDiffCells {
		for _, l := range a {
			emit("- ", l)
		}
		for _, l := range b {
			emit("+ ", l)
		}
		return out.String()
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:]
	// and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			emit("  ", a[i])
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			emit("- ", a[i])
			i++
		default:
			emit("+ ", b[j])
			j++
		}
	}
	for ; i < len(a); i++ {
		emit("- ", a[i])
	}
	for ; j < len(b); j++ {
		emit("+ ", b[j])
	}
	return out.String()
}
