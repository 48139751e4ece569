// Closing a connection without answering: a request that reached the SP but got no response,
// the case a client must report as "outcome unknown" (DESIGN §5).
#pragma once

namespace httplib {
struct Request;
}

namespace onorder::mock {

// Shuts down the connection `request` arrived on, so the client sees it closed before a single
// byte of response. Returns false when the connection could not be found.
bool drop_connection(const httplib::Request& request);

} // namespace onorder::mock
