#include "trace/trace-hw_display_vgt.h"
