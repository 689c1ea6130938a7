"""sections: the family-specific sections of the report, one module per family,
plugged in through SECTIONS below.

A section is a function extras(fam, out_dir, gnuplot, terms) that returns
([{"key", "html", "json"}...], [files written]): each "html" goes into the
family's part of index.html after its charts, each "json" into summary.json as
families.<family>.<key>. gnuplot and terms are None under --no-charts.
"""

from reports.sections import chan, go, map as map_section, pool, rwlock, sem

# family -> its section: the channels against Go; the coroutines against goroutines and their
# memory; the pool's claims and worker trace; the semaphores' makespan claim; the rwlocks'
# claims; the maps' sync.Map claim.
SECTIONS = {"chan": chan.extras, "go": go.extras, "pool": pool.extras}
SECTIONS["sem"] = sem.extras  # the makespan claim
SECTIONS.update(rwlock.SECTIONS)  # read-mostly locks, and seed 004's row in counter's
SECTIONS.update(map_section.SECTIONS)  # sync.Map against map+RWMutex
