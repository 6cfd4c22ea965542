import { createRequire as azpnCreateRequire } from 'node:module';
const require = azpnCreateRequire(import.meta.url);
const __filename = require('node:url').fileURLToPath(import.meta.url);
const __dirname = require('node:path').dirname(__filename);
const azpnIsFormData = (value) => Object.prototype.toString.call(value) === '[object FormData]';
import{a as e,b as r}from"./chunk-T3Q45KDD.js";var p=r((s,i)=>{i.exports=e("node:fs")});var q=r((t,o)=>{o.exports=e("node:os")});export{p as a,q as b};
