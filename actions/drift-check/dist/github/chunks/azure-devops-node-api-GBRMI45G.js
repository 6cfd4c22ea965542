import { createRequire as azpnCreateRequire } from 'node:module';
const require = azpnCreateRequire(import.meta.url);
const __filename = require('node:url').fileURLToPath(import.meta.url);
const __dirname = require('node:path').dirname(__filename);
const azpnIsFormData = (value) => Object.prototype.toString.call(value) === '[object FormData]';
import{b as r}from"./chunk-T3Q45KDD.js";var t=r((n,o)=>{o.exports=new Proxy({},{get(s,e){if(!(typeof e=="symbol"||e==="__esModule"||e==="then"))throw new Error("azure-devops-node-api is not part of this bundle (scripts/bundle.ts).")}})});export default t();
