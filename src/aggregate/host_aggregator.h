// Kept for includes not yet switched: the host table lives in aggregate/host_table.h.
#pragma once
#include "aggregate/host_table.h"
