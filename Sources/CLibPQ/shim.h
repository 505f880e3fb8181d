#ifndef FRAUDSTREAM_CLIBPQ_SHIM_H
#define FRAUDSTREAM_CLIBPQ_SHIM_H

#include <libpq-fe.h>

#endif
