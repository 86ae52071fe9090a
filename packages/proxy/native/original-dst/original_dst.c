// SO_ORIGINAL_DST for Tandem's transparent interception: after iptables REDIRECT, the kernel keeps
// the destination the application asked for; this returns it for a socket's file descriptor.
// Written against Node-API (stable ABI), so one build serves every Node version.
#include <node_api.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[128];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, "TANDEM_ERR_ORIGINAL_DST", msg);
  return NULL;
}

// originalDst(fd: number, ipv6: boolean): { address: string, port: number }
static napi_value OriginalDst(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  int32_t fd = -1;
  bool ipv6 = false;
  if (argc < 1 || napi_get_value_int32(env, args[0], &fd) != napi_ok) {
    napi_throw_type_error(env, NULL, "originalDst(fd, ipv6): fd must be a number");
    return NULL;
  }
  if (argc > 1) napi_get_value_bool(env, args[1], &ipv6);
  char text[INET6_ADDRSTRLEN];
  uint32_t port;
  if (ipv6) {
    struct sockaddr_in6 addr;
    socklen_t len = sizeof addr;
    if (getsockopt(fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST, &addr, &len) != 0) return throw_errno(env, "getsockopt(IP6T_SO_ORIGINAL_DST)", errno);
    inet_ntop(AF_INET6, &addr.sin6_addr, text, sizeof text);
    port = ntohs(addr.sin6_port);
  } else {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    if (getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, &addr, &len) != 0) return throw_errno(env, "getsockopt(SO_ORIGINAL_DST)", errno);
    inet_ntop(AF_INET, &addr.sin_addr, text, sizeof text);
    port = ntohs(addr.sin_port);
  }
  napi_value result, address, portValue;
  napi_create_object(env, &result);
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &address);
  napi_create_uint32(env, port, &portValue);
  napi_set_named_property(env, result, "address", address);
  napi_set_named_property(env, result, "port", portValue);
  return result;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "originalDst", NAPI_AUTO_LENGTH, OriginalDst, NULL, &fn);
  napi_set_named_property(env, exports, "originalDst", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
