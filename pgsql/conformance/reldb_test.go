package conformance

// The corpus on reldb: every file is played through a pgsql.Session per
// block, on a fresh in-memory engine.DB per file, and compared with the
// outputs recorded from PostgreSQL. reldb does not pass the whole corpus
// yet, so the test logs per file how many statements and blocks match,
// and fails only when a block listed in reldbSupported stops matching.
// The list lives here rather than as markers in the corpus files: the
// corpus stays PostgreSQL's record, untouched by what one database can do.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/internal/scenario"
	"github.com/reldb/reldb/pgsql"
)

// reldbSession is a corpus Session over a pgsql.Session.
type reldbSession struct {
	s *pgsql.Session
}

func (r *reldbSession) Exec(ctx context.Context, sql string) (Result, error) {
	res, err := r.s.Exec(ctx, sql)
	if err != nil {
		var pe *pgsql.Error
		if !errors.As(err, &pe) {
			return Result{}, err
		}
		return Result{SQLState: pe.Code}, nil
	}
	return resultOf(res), nil
}

// resultOf converts a successful pgsql.Result.
func resultOf(res pgsql.Result) Result {
	out := Result{Tag: res.Tag}
	for _, w := range res.Warnings {
		if w.Severity != "" && w.Severity != "WARNING" {
			continue // a NOTICE or INFO, which the PostgreSQL side does not record
		}
		out.Warnings = append(out.Warnings, w.Code)
	}
	if res.Columns != nil {
		out.Columns = make([]string, len(res.Columns))
		for i, c := range res.Columns {
			out.Columns[i] = c.Name
		}
		out.Rows = make([][]Value, len(res.Rows))
		for i, row := range res.Rows {
			out.Rows[i] = make([]Value, len(row))
			for j, v := range row {
				text, null := res.Columns[j].Format(v)
				out.Rows[i][j] = Value{Text: text, Null: null}
			}
		}
	}
	return out
}

func (r *reldbSession) Close() error { return r.s.Close() }

// newReldb returns a Conn on a fresh in-memory database.
func newReldb(t *testing.T) Conn {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return Sessions(func(context.Context) (Session, error) {
		return &reldbSession{s: pgsql.NewSession(db)}, nil
	}, func(context.Context) error {
		fresh, err := engine.Open(engine.Options{})
		if err != nil {
			return err
		}
		_ = db.Close()
		db = fresh
		return nil
	})
}

// reldbSupported lists, per corpus file, the line numbers of the blocks
// reldb must match.
var reldbSupported = map[string][]int{
	"aggregates.txt":           {3, 50, 57, 64, 72, 79, 91, 103, 115, 128, 137, 146, 155, 164, 171, 183, 194, 201, 214, 223, 228, 234, 247, 257, 267, 275, 282, 289, 298, 305, 316, 323, 329, 336, 345, 352, 359, 365, 376, 383, 392, 399, 406, 413, 420, 427, 432, 437, 442},
	"arrays.txt":               {3, 38, 49, 56, 67, 78, 89, 100, 111, 118, 126, 134, 143, 151, 162, 169, 174, 179, 184, 189, 200, 211, 222, 233, 240, 251, 261, 270, 281, 288, 297, 317, 328, 335, 346, 361, 371},
	"catalog.txt":              {5, 14, 22, 36, 47, 55, 62, 72, 83, 94, 109, 116, 123, 128, 135, 142, 149, 154, 160, 171, 180, 187, 197, 206, 213, 220, 228, 234, 240, 246, 252, 258, 265, 273},
	"cte.txt":                  {4, 31, 44, 55, 63, 80, 97, 117, 136, 147, 154, 165, 173, 184, 193, 203, 211, 218, 227, 250, 260, 271, 278},
	"cte_writes.txt":           {6, 21, 26, 35, 45, 50, 60, 65, 74, 84, 94, 101, 109, 116, 124, 131, 142, 150, 159, 168, 177, 187, 196, 204, 217, 226, 231, 240, 251, 258, 282, 294, 313, 320, 330, 337, 344, 351, 358, 367, 380, 391, 400, 411, 422, 427, 436, 452, 463, 476, 489, 496},
	"do.txt":                   {7, 17, 24, 33, 49, 67, 82, 92, 113, 124, 139, 153, 164, 172, 193, 213, 224, 245, 254, 267, 291, 299, 312, 330, 349},
	"datetime.txt":             {5, 19, 31, 40, 47, 54, 61, 68, 75, 82, 89, 94, 99, 104, 109, 114, 119, 125, 133, 140, 151, 161, 168, 178, 190, 197, 205, 217, 224, 232, 244, 251, 256, 261, 266, 271, 276, 281, 286, 291, 296, 301, 307, 319, 331, 344, 358, 369, 380, 387, 394, 399, 404, 409, 414, 419, 424, 431, 442, 454, 465, 476, 483, 488, 493, 498, 503, 508, 513, 518, 525, 532, 539, 546, 553, 558, 563, 570, 583, 600, 609, 617, 628, 635, 640, 649, 660, 669, 678, 687, 696, 705, 712, 717, 722},
	"ddl_alter.txt":            {4, 16, 31, 40, 55, 69, 81, 90, 97, 103, 118, 128, 137, 145, 168, 211, 224, 235, 247, 255, 268, 273, 280, 289, 312, 361, 373, 400, 409, 418, 424, 431, 439, 456, 466, 487, 513, 556, 566, 576, 585, 594, 611, 623, 648, 658, 669, 684, 689, 699, 712, 737, 745, 757, 768, 779, 798, 805, 812, 819, 826, 837, 844},
	"ddl_nokey.txt":            {5, 14, 27, 37, 44, 51, 58, 65, 74, 96, 125, 132, 142, 151, 160, 167, 174, 184, 211, 222},
	"ddl_tables.txt":           {4, 26, 49, 76, 89, 100, 133, 141, 150, 161, 193, 203, 220, 231, 240, 249, 256, 264, 284, 293, 303, 314, 322, 356, 389},
	"ddl_views.txt":            {5, 18, 29, 41, 50, 59, 68, 76, 83, 93, 100, 107, 114, 123, 130, 140, 160, 175, 185, 198, 219, 224, 231, 240, 248, 253, 261, 282, 304, 313, 322, 330, 338, 345, 354, 369, 401, 412, 429, 440},
	"domains.txt":              {5, 16, 21, 26, 31, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 99, 107, 114, 119, 124, 131, 136, 145, 155, 164, 173, 183, 193, 198, 203, 208, 213, 218, 223, 240, 255, 260, 268},
	"errors.txt":               {4, 16, 34, 52, 64, 76, 90, 116, 126, 135, 147, 153, 161},
	"expressions.txt":          {5, 12, 19, 27, 32, 37, 42, 47, 52, 57, 62, 67, 72, 80, 88, 100, 112, 127, 134, 146, 158, 166, 173, 180, 185, 190, 195, 200, 205, 211, 223, 231, 240, 248, 255, 263, 272, 278, 285, 297, 305, 318, 326, 334, 339, 344, 351, 358, 368, 377, 384, 393, 401, 409, 418, 427, 436, 445, 452, 460, 465},
	"enums.txt":                {5, 16, 21, 28, 33, 38, 49, 60, 67, 77, 86, 94, 102, 110, 118, 123, 130, 137, 144, 149, 154, 161, 172, 179, 188, 197, 206, 213, 218, 227, 244, 249, 262, 275, 283, 290, 299, 306, 313, 321, 330, 339, 346, 352, 363, 370, 377, 384, 392, 403, 410, 419, 427, 447, 456, 463, 470, 476, 489, 496, 506, 511, 520, 527, 537, 552, 563, 574, 581},
	"extensions.txt":           {4, 11, 30, 43, 52, 59, 66, 73, 80, 89, 98, 116, 129, 138, 151, 156},
	"foreign_keys.txt":         {5, 44, 57, 62, 71, 82, 87, 97, 104, 114, 119, 128, 154, 161, 169, 180, 187, 194, 203, 224, 239, 246, 253, 319, 329, 367, 379, 384, 406, 435, 450, 460, 474, 490},
	"functions.txt":            {3, 13, 22, 31, 36, 45, 55, 64, 72, 79, 86, 93, 98, 104, 113, 122, 131, 138, 144, 151, 164, 189, 198, 207, 213, 222, 229, 238, 243, 248, 254, 261, 268, 277, 284, 291, 298, 305, 312, 317, 324, 331, 342, 351, 364, 375, 383, 390, 397, 404, 411, 420, 450, 457, 464, 471, 478, 485, 495, 500, 508, 515, 522, 527, 532, 537, 542, 547, 552, 557, 562, 569, 577, 584, 591, 599, 606, 613, 620, 627, 632, 637, 642, 650, 657, 664, 669, 674, 679, 684},
	"functions2.txt":           {6, 21, 32, 40, 49, 54, 59, 64, 69, 75, 83, 91, 99, 107, 114, 119, 124, 129, 134, 139, 144, 150, 157, 162, 168, 176, 185, 195, 204, 213, 225, 234, 243, 252, 263, 272, 280, 290, 297, 309, 314, 319, 324, 329, 334, 341, 348, 355, 362, 369, 377, 387, 392, 397, 402, 407, 412, 417, 422, 427, 432, 437, 442, 447, 452, 457, 462, 467, 472, 477, 483, 492, 499, 506, 515, 520, 525, 530, 535, 541, 548, 557, 564, 571, 582, 587, 592, 597, 602, 608, 615, 620, 625, 630, 635, 641, 648, 655, 662, 669, 676, 683, 688, 693, 698, 703, 708, 713, 718, 723, 729, 737, 744, 753},
	"functions_user.txt":       {6, 17, 26, 35, 43, 53, 62, 72, 79, 87, 92, 100, 105, 114, 119, 124, 129, 135, 142, 148, 157, 164, 170, 177, 184, 190, 195, 203, 208, 216, 221, 228, 235, 244, 251, 258, 265, 274, 283, 291, 296, 303, 312, 317, 325, 334, 341, 348, 357, 366, 384, 389, 397, 410, 432, 440, 447, 456, 461, 468, 473, 479, 487, 494, 504, 512, 526, 537, 568, 579, 588, 593, 600, 611, 620, 628, 635, 648, 657, 666, 674, 683, 692, 699, 706, 711, 728, 743, 754, 761, 768, 779, 788, 796, 801, 806, 813, 818, 825, 832, 840, 852, 863, 870, 875, 885, 896, 903, 909},
	"generated.txt":            {4, 27, 38, 49, 59, 70, 82, 106, 135, 144, 149},
	"indexes.txt":              {5, 21, 40, 52, 61, 69, 86, 96, 138, 167, 184, 196, 207, 219, 230, 241, 248, 256, 285, 295, 320, 329, 342, 349, 359, 372, 381, 402, 410, 419, 432, 442, 455, 463, 478, 488, 522, 539, 551, 566, 574, 585, 596, 609, 638, 649, 659, 668, 677, 686, 703, 711, 719, 726, 735, 768},
	"joins_subqueries.txt":     {4, 51, 59, 70, 79, 87, 95, 108, 120, 130, 137, 145, 153, 164, 172, 182, 200, 210, 222, 232, 237, 243, 252, 263, 273, 281, 288, 294, 304, 317, 327, 333, 341, 348, 356, 364, 372, 379, 387, 394, 403, 413, 423, 435, 444, 451, 466, 473, 482, 491, 502, 514, 522, 529, 538, 549, 558, 567, 576, 585, 594, 603, 610},
	"json.txt":                 {4, 27, 40, 48, 95, 103, 110, 117, 130, 143, 152, 160, 179, 187, 200, 207, 226, 235, 248, 255, 262, 274, 281, 295, 308, 315, 322, 334, 341, 348, 365, 373, 380, 387, 394, 401, 412, 419, 426, 433, 440, 448, 454, 461, 468, 481, 488, 495, 504, 511, 518, 526, 536, 545, 554, 563, 572, 582, 591, 599, 607, 615, 625, 631, 648, 658, 666},
	"regex.txt":                {4, 16, 26, 36, 46, 53, 60, 70, 77, 86, 95, 101, 108, 115, 125, 134, 141, 148, 155, 165, 175, 183, 190, 198, 205, 213, 260, 268, 278, 285, 292, 299, 306, 313, 322, 330},
	"misc.txt":                 {5, 17, 26, 35, 43, 52, 60, 68, 84, 93, 102, 109, 116, 125, 134, 143, 150, 158, 166, 175, 184, 191, 198, 210, 217, 224, 230, 237, 246, 254, 261, 276, 283, 292, 307, 330, 339, 346, 355, 362, 370, 378, 387, 397},
	"notify.txt":               {7, 33, 53, 60, 73, 88, 103, 116, 129, 148, 166, 173, 183, 197, 212, 233, 271, 283, 291, 300},
	"olap.txt":                 {3, 19, 26, 33, 40, 47, 54, 63, 72, 80, 87, 94, 101, 108, 115, 124, 133, 140, 147, 152, 157, 162, 167, 172, 177, 182, 187, 192, 197, 202, 207, 212, 217, 222, 227, 232, 239, 246, 255, 262, 267, 272, 287, 302, 320, 340, 379, 398, 410, 422, 429, 436, 443, 450, 461, 471, 481, 491, 506, 521, 531, 542, 554, 564, 577, 587, 596, 601, 606, 611, 616, 621, 631, 647, 658, 666, 682, 697, 712, 722, 729, 734, 744, 749, 754, 761, 768, 775, 782, 787, 794, 799, 804, 809, 814, 819, 824, 829, 834, 839, 844, 853, 860, 872, 885, 895, 905, 914, 924, 934, 944, 950, 955, 960},
	"ordering_setops.txt":      {4, 52, 68, 84, 100, 116, 129, 145, 161, 177, 193, 199, 212, 221, 229, 236, 242, 251, 259, 265, 278, 288, 305, 314, 325, 333, 342, 351, 360, 370, 378, 383, 388},
	"roles.txt":                {9, 30, 39, 47, 56, 73, 82, 91, 100, 109, 136, 147, 154, 159, 166, 176, 183, 192, 213, 225, 246, 257, 264, 271, 282, 295, 307, 326, 337, 349, 356, 363, 379, 410, 417, 424, 431, 438, 449, 462, 472, 501, 511, 518, 525, 532, 539, 550, 560, 583, 600, 609, 616, 631, 639, 646, 654, 660, 665, 672, 680, 695, 702, 721, 728, 737, 766, 775, 782, 793, 801, 814, 823, 837, 843, 854, 875, 888, 899, 920, 927, 934, 942, 964, 997, 1004, 1011, 1034, 1046, 1053, 1076, 1084, 1096, 1114, 1123, 1131, 1148, 1155, 1163, 1174, 1181},
	"srf.txt":                  {4, 11, 20, 32, 41, 50, 60, 70, 79, 85, 93, 102, 109},
	"sequences.txt":            {5, 14, 22, 27, 32, 40, 47, 53, 62, 69, 76, 81, 88, 94, 114, 119, 124, 129, 134, 147, 160, 167, 178, 183, 192, 200, 212, 217, 224, 229, 236, 241, 248, 253, 266, 274, 288, 307, 319, 326, 335, 344, 351, 360, 371, 381, 392, 402, 409, 419, 426, 437, 454, 465, 476, 484, 491, 496, 502, 517, 523, 530, 540, 549, 558, 577, 590, 597, 605, 610, 622, 685, 695, 703, 712, 731, 745, 774, 779, 789, 797, 810, 843, 851, 859, 868, 876, 888},
	"transactions.txt":         {6, 21, 32, 41, 49, 56, 64, 75, 83, 100, 107, 118, 127, 142, 151, 184, 193, 222, 229, 239, 254, 259, 268, 296, 310, 327, 339, 350, 358, 364, 384, 405, 416, 425, 445, 481, 492, 505, 536, 555, 564},
	"triggers.txt":             {5, 21, 32, 48, 59, 76, 91, 104, 129, 139, 156, 163, 172, 195, 207, 222, 230, 250, 267, 278, 303, 311, 326, 369, 381, 407, 424, 441, 472, 497, 530, 555, 564, 581, 591, 602, 625, 634, 645, 662, 670, 680, 701, 710, 735, 774, 787, 800, 831, 845, 866, 876, 901, 914, 931, 942},
	"types.txt":                {4, 25, 35, 45, 64, 76, 84, 91, 103, 110, 115, 121, 142, 155, 162, 170, 181, 216, 235, 246, 256, 264, 275, 286, 293, 307, 324, 335, 346, 353, 361, 371, 381, 388, 399, 407, 415, 425, 432, 439, 448, 456, 463, 471, 478},
	"window.txt":               {3, 23, 38, 53, 68, 83, 98, 113, 128, 143, 158, 173, 178, 183, 189, 194, 204, 218, 228, 238, 253, 258, 263, 268, 273, 278, 293, 308, 323, 338, 343, 358, 373, 388, 403, 418, 433, 448, 463, 478, 493, 498, 503, 508, 513, 520, 526, 536, 546, 555, 560, 567, 582, 597, 602, 607, 612, 617, 622, 627, 642, 652, 662, 672, 684, 696, 706, 713, 723, 730, 737, 752, 762, 767, 772, 777, 782, 787, 792, 797, 802, 807, 812, 817, 822, 827, 832, 837, 842, 847, 852, 902, 912, 922, 930, 940, 954, 967, 977, 987, 997, 1005, 1010, 1015, 1020, 1028, 1038, 1048, 1056, 1061, 1066, 1081, 1096, 1111, 1121, 1136, 1151, 1166, 1175, 1184},
	"writes_insert.txt":        {4, 11, 24, 38, 50, 55, 63, 72, 79, 87, 102, 113, 121, 128, 142, 152, 162, 171, 186, 193, 202, 210, 221, 234},
	"writes_update_delete.txt": {4, 41, 56, 69, 76, 85, 94, 103, 112, 117, 129, 140, 147, 158, 165, 170, 182, 187, 194, 203, 213, 224, 232},
}

// TestCorpus_Reldb plays the corpus on reldb and requires the supported
// blocks to match; it logs the match counts of every file.
func TestCorpus_Reldb(t *testing.T) {
	summary := playCorpus(t, newReldb)
	t.Log("reldb on the PostgreSQL corpus:\n" + strings.Join(summary, "\n"))
}

// TestCorpus_ReldbReopened plays the corpus on a durable database that is
// closed and opened again before every block, so every block after the
// first runs on what the one before left on disk: the SQL declarations
// (types, CHECK constraints, defaults, indexes, comments, views) as well
// as the rows, and the sequences, which a failed INSERT moves without a
// commit. The supported blocks must match as on an in-memory database.
func TestCorpus_ReldbReopened(t *testing.T) {
	playCorpus(t, newReldbReopened)
}

// newReldbReopened returns a Conn on a fresh durable database in a
// temporary directory, closed and opened again before each session.
func newReldbReopened(t *testing.T) Conn {
	dir := t.TempDir()
	db, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return Sessions(func(context.Context) (Session, error) {
		if err := db.Close(); err != nil {
			return nil, err
		}
		if db, err = engine.Open(engine.Options{Dir: dir}); err != nil {
			return nil, err
		}
		return &reldbSession{s: pgsql.NewSession(db)}, nil
	}, func(context.Context) error {
		if err := db.Close(); err != nil {
			return err
		}
		dir = t.TempDir()
		db, err = engine.Open(engine.Options{Dir: dir})
		return err
	})
}

// playCorpus plays every corpus file on a Conn of its own from open,
// fails for each supported block that does not match, and returns the
// match counts of each file.
func playCorpus(t *testing.T, open func(*testing.T) Conn) []string {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	require.NoError(t, err)
	sort.Strings(paths)
	var summary []string
	for _, path := range paths {
		file := filepath.Base(path)
		cases, err := scenario.ParseFile(path)
		require.NoError(t, err)
		conn := open(t)
		var stmts, stmtsOK, blocks, blocksOK int
		var matched []int
		for _, c := range cases {
			if c.Cmd == "reset" {
				require.NoError(t, conn.Reset(context.Background()))
				continue
			}
			got := runCase(t, conn, c)
			n, ok := compareStatements(t, c, got)
			stmts += n
			stmtsOK += ok
			blocks++
			same := normalizeOutput(got) == normalizeOutput(c.Expected)
			if same {
				blocksOK++
				matched = append(matched, c.Line)
			} else if os.Getenv("RELDB_CORPUS_DIFF") != "" {
				t.Logf("%s:%d differs\ninput:\n%s\nwant:\n%s\ngot:\n%s", file, c.Line, c.Input, c.Expected, got)
			}
			if !same && slices.Contains(reldbSupported[file], c.Line) {
				t.Errorf("%s:%d: supported block no longer matches PostgreSQL\nwant:\n%s\ngot:\n%s", file, c.Line, c.Expected, got)
			}
		}
		summary = append(summary, fmt.Sprintf("%-28s statements %3d/%3d  blocks %2d/%2d", file, stmtsOK, stmts, blocksOK, blocks))
		if testing.Verbose() {
			t.Logf("%s matching blocks: %v", file, matched)
		}
	}
	return summary
}

// compareStatements counts a block's statements and those whose output
// matches: each statement but a query's last prints one line; the query's
// last prints the rest.
func compareStatements(t *testing.T, c *scenario.Case, got string) (n, ok int) {
	stmts, err := SplitStatements(c.Input)
	require.NoError(t, err)
	want, have := lines(c.Expected), lines(got)
	single := len(stmts)
	if c.Cmd == "query" {
		single--
	}
	for i := 0; i < single; i++ {
		if i < len(want) && i < len(have) && want[i] == have[i] {
			ok++
		}
	}
	if c.Cmd == "query" && len(want) >= single && len(have) >= single && slices.Equal(want[single:], have[single:]) {
		ok++
	}
	return len(stmts), ok
}

func lines(s string) []string {
	s = normalizeOutput(s)
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func normalizeOutput(s string) string {
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = strings.TrimRight(l, " \t\r")
	}
	for len(ls) > 0 && ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return strings.Join(ls, "\n")
}
