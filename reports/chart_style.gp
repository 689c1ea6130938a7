# chart_style.gp: the look of every contend chart.
#
# scripts/report.py copies this file into the top of each generated script
# (reports/out/<family>/<workload>.gp), so a generated script runs on its own
# and a change here restyles every chart at the next `make bench` or
# `scripts/report.py` run. Keep it to styles: the layout (panel grid, axis
# ranges, what is plotted) is computed by report.py from the data.

set encoding utf8

# Line styles 1..12: one per competitor, assigned in the family's registry
# order, so a competitor keeps its style in every chart of its family.
# report.py counts the styles below 100 to know when to cycle.
# Colors: the Okabe-Ito set first (safe for the common color-vision
# deficiencies), then other hues far from them; the point types alternate
# filled and open shapes so lines still differ in grayscale.
set style line 1  lc rgb '#0072B2' lw 2 pt 7  ps 1.2   # blue, filled circle
set style line 2  lc rgb '#D55E00' lw 2 pt 5  ps 1.1   # vermillion, filled square
set style line 3  lc rgb '#009E73' lw 2 pt 9  ps 1.4   # green, filled triangle
set style line 4  lc rgb '#CC79A7' lw 2 pt 13 ps 1.4   # pink, filled diamond
set style line 5  lc rgb '#E69F00' lw 2 pt 11 ps 1.4   # orange, filled inverted triangle
set style line 6  lc rgb '#56B4E9' lw 2 pt 6  ps 1.2   # sky blue, open circle
set style line 7  lc rgb '#222222' lw 2 pt 4  ps 1.1   # black, open square
set style line 8  lc rgb '#8C564B' lw 2 pt 8  ps 1.4   # brown, open triangle
set style line 9  lc rgb '#7B3294' lw 2 pt 12 ps 1.4   # purple, open diamond
set style line 10 lc rgb '#B8860B' lw 2 pt 10 ps 1.4   # dark gold, open inverted triangle
set style line 11 lc rgb '#17BECF' lw 2 pt 15 ps 1.4   # cyan, filled pentagon
set style line 12 lc rgb '#E7298A' lw 2 pt 14 ps 1.4   # magenta, open pentagon

# Reference marks: 100 linear-scaling line, 101 the core count, 102 a baseline
# (a competitor measured once, drawn across every panel), 103/104 the grid
# (major/minor).
set style line 100 lc rgb '#555555' lw 1.5 dt (7,5)
set style line 101 lc rgb '#8A8A8A' lw 1.5 dt (2,4)
set style line 102 lc rgb '#333333' lw 2 dt (12,4,2,4)
set style line 103 lc rgb '#E2E2E2' lw 1
# Fill of the oversubscribed region (threads > cores), behind the data.
ct_shade = '#F1F1F1'
# Text color of captions and notes.
ct_note = '#555555'

# The axes of a panel, applied at the start of each one with `eval ct_axes`
# (the key under the panels turns them off): left and bottom axes only,
# ticks outside, a light grid behind the data.
ct_axes = "set border 3 lc rgb '#444444' lw 1; " . \
          "set tics nomirror out scale 0.6 textcolor rgb '#333333'; " . \
          "set grid xtics ytics mytics back ls 103, ls 104"
set style line 104 lc rgb '#F2F2F2' lw 1
set bars 0.6                             # error bar end caps, short
set format y '%g'
set samples 100
