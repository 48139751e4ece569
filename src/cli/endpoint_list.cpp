#include "endpoint_list.hpp"

#include <onorder/http_client.hpp>
#include <onorder/response.hpp>

#include <fmt/format.h>

namespace onorder::cli {

FetchedList fetch_endpoint_list(const Connection& connection, const Redactor& redactor) {
    FetchedList fetched;
    fetched.url = endpoints_url(connection.api_root);
    HttpClient client(connection.options, redactor);
    const HttpExchange exchange = client.get(fetched.url);
    fetched.http = exchange.reach == HttpExchange::Reach::answered ? exchange.http_status : 0;
    switch (exchange.reach) {
    case HttpExchange::Reach::not_sent:
        fetched.outcome = Outcome::no_connection;
        fetched.error = "no connection: " + redactor.display(exchange.curl_error, 300);
        return fetched;
    case HttpExchange::Reach::maybe_sent:
        // A GET changes nothing at the SP: no complete answer is simply no list.
        fetched.outcome = Outcome::http_error;
        fetched.error = "no complete answer: " + redactor.display(exchange.curl_error, 300);
        return fetched;
    case HttpExchange::Reach::answered:
        break;
    }
    if (exchange.http_status != 200) {
        const Verdict verdict = interpret(exchange, redactor);
        fetched.outcome = verdict.outcome == Outcome::auth ? Outcome::auth : Outcome::http_error;
        fetched.error = fmt::format("the SP answered {} {}{}", exchange.http_status,
                                    status_meaning(exchange.http_status),
                                    verdict.cause.empty() ? "" : ", cause: " + verdict.cause);
        return fetched;
    }
    fetched.list = read_endpoint_list(exchange.body);
    return fetched;
}

} // namespace onorder::cli
