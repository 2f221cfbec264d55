// The throttling plugin itself uses Bottleneck's light build (no Redis client); it ships no typings of
// its own, so borrow the full build's, which describe the same classes.
declare module "bottleneck/light.js" {
  import Bottleneck from "bottleneck";
  export default Bottleneck;
}
