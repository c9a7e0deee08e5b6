#pragma once
// The Weir DataStream API: include this one header.

#include "weir/api/broadcast_stream.h"
#include "weir/api/checkpoint_config.h"
#include "weir/api/connected_streams.h"
#include "weir/api/data_stream.h"
#include "weir/api/joins.h"
#include "weir/api/keyed_stream.h"
#include "weir/api/stream_execution_environment.h"
#include "weir/api/windowed_stream.h"
#include "weir/connectors/datagen/data_generator_source.h"
#include "weir/connectors/discarding_sink.h"
#include "weir/connectors/file/file_sink.h"
#include "weir/connectors/file/text_line_file_source.h"
#include "weir/connectors/socket/socket_text_source.h"
#include "weir/core/configuration.h"
#include "weir/core/job_client.h"
#include "weir/core/options.h"
#include "weir/core/time.h"
#include "weir/core/weir_type.h"
#include "weir/functions/functions.h"
#include "weir/functions/operator_state.h"
#include "weir/functions/output_tag.h"
#include "weir/functions/sink.h"
#include "weir/functions/source.h"
#include "weir/functions/state.h"
#include "weir/functions/watermark_strategy.h"
#include "weir/runtime/runtime_context.h"
#include "weir/runtime/window/window_state_store.h"

namespace weir {
using namespace std::chrono_literals;
}
