export default defineBackground(() => {
  console.log('okap background');
});
