//! The demonstration process: the real Global Compact for Migration (A/RES/73/195) as base revision and a demonstration revision.
