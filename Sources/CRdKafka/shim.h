#ifndef FRAUDSTREAM_CRDKAFKA_SHIM_H
#define FRAUDSTREAM_CRDKAFKA_SHIM_H

// librdkafka's client API and its embedded mock cluster.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#endif
